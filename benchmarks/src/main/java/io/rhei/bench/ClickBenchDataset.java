package io.rhei.bench;

import io.rhei.core.model.Row;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.TableSink;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Generated rows of ClickBench's {@code hits} table (its PostgreSQL schema: 105 columns), with the shapes its queries
 * exercise: Zipf-skewed URLs, titles, user ids, counters and regions; mostly empty search phrases, phone models and
 * referers; event times over July 2013. Deterministic for a row count. WatchID, unique, is the key.
 */
final class ClickBenchDataset {
    /** The columns in ClickBench's order: name, then type (SMALLINT, INTEGER, BIGINT, TEXT, TIMESTAMP, DATE, CHAR). */
    private static final String COLUMNS = """
            WatchID BIGINT, JavaEnable SMALLINT, Title TEXT, GoodEvent SMALLINT, EventTime TIMESTAMP, EventDate DATE,
            CounterID INTEGER, ClientIP INTEGER, RegionID INTEGER, UserID BIGINT, CounterClass SMALLINT, OS SMALLINT,
            UserAgent SMALLINT, URL TEXT, Referer TEXT, IsRefresh SMALLINT, RefererCategoryID SMALLINT, RefererRegionID INTEGER,
            URLCategoryID SMALLINT, URLRegionID INTEGER, ResolutionWidth SMALLINT, ResolutionHeight SMALLINT, ResolutionDepth SMALLINT,
            FlashMajor SMALLINT, FlashMinor SMALLINT, FlashMinor2 TEXT, NetMajor SMALLINT, NetMinor SMALLINT, UserAgentMajor SMALLINT,
            UserAgentMinor TEXT, CookieEnable SMALLINT, JavascriptEnable SMALLINT, IsMobile SMALLINT, MobilePhone SMALLINT,
            MobilePhoneModel TEXT, Params TEXT, IPNetworkID INTEGER, TraficSourceID SMALLINT, SearchEngineID SMALLINT,
            SearchPhrase TEXT, AdvEngineID SMALLINT, IsArtifical SMALLINT, WindowClientWidth SMALLINT, WindowClientHeight SMALLINT,
            ClientTimeZone SMALLINT, ClientEventTime TIMESTAMP, SilverlightVersion1 SMALLINT, SilverlightVersion2 SMALLINT,
            SilverlightVersion3 INTEGER, SilverlightVersion4 SMALLINT, PageCharset TEXT, CodeVersion INTEGER, IsLink SMALLINT,
            IsDownload SMALLINT, IsNotBounce SMALLINT, FUniqID BIGINT, OriginalURL TEXT, HID INTEGER, IsOldCounter SMALLINT,
            IsEvent SMALLINT, IsParameter SMALLINT, DontCountHits SMALLINT, WithHash SMALLINT, HitColor CHAR, LocalEventTime TIMESTAMP,
            Age SMALLINT, Sex SMALLINT, Income SMALLINT, Interests SMALLINT, Robotness SMALLINT, RemoteIP INTEGER, WindowName INTEGER,
            OpenerName INTEGER, HistoryLength SMALLINT, BrowserLanguage TEXT, BrowserCountry TEXT, SocialNetwork TEXT,
            SocialAction TEXT, HTTPError SMALLINT, SendTiming INTEGER, DNSTiming INTEGER, ConnectTiming INTEGER,
            ResponseStartTiming INTEGER, ResponseEndTiming INTEGER, FetchTiming INTEGER, SocialSourceNetworkID SMALLINT,
            SocialSourcePage TEXT, ParamPrice BIGINT, ParamOrderID TEXT, ParamCurrency TEXT, ParamCurrencyID SMALLINT,
            OpenstatServiceName TEXT, OpenstatCampaignID TEXT, OpenstatAdID TEXT, OpenstatSourceID TEXT, UTMSource TEXT,
            UTMMedium TEXT, UTMCampaign TEXT, UTMContent TEXT, UTMTerm TEXT, FromTag TEXT, HasGCLID SMALLINT, RefererHash BIGINT,
            URLHash BIGINT, CLID INTEGER""";
    /** The hashes two of ClickBench's queries filter on: given to the most frequent URL and referer, so they match rows. */
    private static final long TOP_URL_HASH = 2868770270353813622L;
    private static final long TOP_REFERER_HASH = 3594120000172545465L;
    private static final String[] WORDS = {"news", "sport", "video", "games", "weather", "music", "film", "shop", "cart", "auto",
            "travel", "recipes", "school", "bank", "maps", "mail", "photo", "kids", "health", "jobs", "search", "Google", "forum",
            "blog", "cinema", "football", "hockey", "tickets", "books", "phones"};
    private static final String[] HOSTS = {"yandex.ru", "www.google.com", "mail.ru", "vk.com", "www.youtube.com", "news.yandex.ru",
            "auto.ru", "www.avito.ru", "go.mail.ru", "www.google.ru", "images.yandex.ru", "market.yandex.ru", "ok.ru", "lenta.ru",
            "rbc.ru", "kinopoisk.ru", "livejournal.com", "wikipedia.org", "hh.ru", "sport-express.ru"};
    private static final String[] LANGUAGES = {"ru", "en", "uk", "de", "tr", "kk", "be", "fr", ""};
    private static final String[] COUNTRIES = {"RU", "UA", "BY", "KZ", "DE", "US", "TR", "GB", ""};
    private static final String[] PHONES = {"iPhone", "iPad", "Galaxy S4", "Lumia 920", "Nexus 4", "HTC One", "Xperia Z", "Optimus G"};
    private static final int[][] RESOLUTIONS = {{1920, 1080}, {1366, 768}, {1280, 1024}, {1280, 800}, {1440, 900}, {1600, 900},
            {1024, 768}, {1680, 1050}, {2560, 1440}, {800, 600}, {0, 0}};
    private static final LocalDateTime JULY_2013 = LocalDateTime.of(2013, 7, 1, 0, 0);

    private final long rows;
    private final Zipf urls;
    private final Zipf titles;
    private final Zipf users;
    private final Zipf phrases;
    private final Zipf counters = new Zipf(10_000, 1.1);
    private final Zipf regions = new Zipf(5_000, 1.2);
    private final Zipf small = new Zipf(100, 1.3);

    ClickBenchDataset(long rows) {
        this.rows = rows;
        this.urls = new Zipf(Math.max(100, rows / 4), 1.05);
        this.titles = new Zipf(Math.max(100, rows / 8), 1.05);
        this.users = new Zipf(Math.max(100, rows / 5), 0.9);
        this.phrases = new Zipf(Math.max(100, rows / 20), 1.0);
    }

    static TableSchema schema() {
        TableSchema.Builder b = TableSchema.builder(TableId.of("public", "hits"));
        for (String[] c : columns()) {
            ColumnType type = switch (c[1]) {
                case "SMALLINT" -> ColumnType.INT16;
                case "INTEGER" -> ColumnType.INT32;
                case "BIGINT" -> ColumnType.INT64;
                case "TIMESTAMP" -> ColumnType.TIMESTAMP;
                case "DATE" -> ColumnType.DATE;
                case "CHAR" -> ColumnType.bpchar(1);
                default -> ColumnType.TEXT;
            };
            String name = c[0].toLowerCase(java.util.Locale.ROOT);
            if (name.equals("watchid")) {
                b.key(name, type);
            } else {
                b.column(name, type);
            }
        }
        return b.build();
    }

    /** DDL for DuckDB (and PostgreSQL): ClickBench's, with WatchID the primary key. */
    static String createTable() {
        StringBuilder sb = new StringBuilder("CREATE TABLE hits (");
        for (String[] c : columns()) {
            sb.append(c[0]).append(' ').append(c[1]).append(" NOT NULL, ");
        }
        return sb.append("PRIMARY KEY (WatchID))").toString();
    }

    private static List<String[]> columns() {
        List<String[]> out = new ArrayList<>();
        for (String c : COLUMNS.split(",")) {
            out.add(c.strip().split("\\s+"));
        }
        return out;
    }

    /** The queries, one per line, in ClickBench's order. */
    static List<String> queries() {
        try (var in = ClickBenchDataset.class.getResourceAsStream("/clickbench/queries.sql")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                    .map(l -> l.strip().replaceAll(";$", "")).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every row, in order. */
    void rows(Consumer<Object[]> sink) {
        SplittableRandom rnd = new SplittableRandom(20130701);
        for (long i = 0; i < rows; i++) {
            sink.accept(row(i, rnd));
        }
    }

    private Object[] row(long i, SplittableRandom rnd) {
        LocalDateTime time = JULY_2013.plusSeconds(rnd.nextLong(31L * 24 * 3600));
        int url = urls.sample(rnd);
        boolean hasReferer = rnd.nextInt(100) < 55;
        int referer = urls.sample(rnd);
        boolean mobile = rnd.nextInt(100) < 12;
        boolean searched = rnd.nextInt(100) < 14;
        int[] resolution = RESOLUTIONS[small.sample(rnd) % RESOLUTIONS.length];
        int user = users.sample(rnd);
        int counter = counters.sample(rnd);
        int advEngine = rnd.nextInt(100) < 3 ? 1 + small.sample(rnd) % 30 : 0;
        int searchEngine = searched ? 1 + small.sample(rnd) % 50 : 0;
        String urlText = urlText(url);
        String refererText = hasReferer ? urlText(referer) : "";
        Object[] v = new Object[105];
        int c = 0;
        v[c++] = mix(i + 1); // WatchID
        v[c++] = (short) (rnd.nextInt(10) < 7 ? 1 : 0); // JavaEnable
        v[c++] = rnd.nextInt(100) < 8 ? "" : title(titles.sample(rnd));
        v[c++] = (short) 1; // GoodEvent
        v[c++] = time;
        v[c++] = time.toLocalDate();
        v[c++] = counter == 1 ? 62 : counter; // CounterID: the most frequent is ClickBench's 62
        v[c++] = (int) mix(user * 7L + rnd.nextInt(3)); // ClientIP: a few per user
        v[c++] = regions.sample(rnd);
        v[c++] = user == 1 ? 435090932899640449L : mix(user * 31L) & Long.MAX_VALUE; // UserID
        v[c++] = (short) rnd.nextInt(5); // CounterClass
        v[c++] = (short) small.sample(rnd); // OS
        v[c++] = (short) small.sample(rnd); // UserAgent
        v[c++] = urlText;
        v[c++] = refererText;
        v[c++] = (short) (rnd.nextInt(100) < 10 ? 1 : 0); // IsRefresh
        v[c++] = (short) (hasReferer ? small.sample(rnd) % 20 : 0); // RefererCategoryID
        v[c++] = hasReferer ? regions.sample(rnd) : 0; // RefererRegionID
        v[c++] = (short) (small.sample(rnd) % 20); // URLCategoryID
        v[c++] = regions.sample(rnd); // URLRegionID
        v[c++] = (short) resolution[0];
        v[c++] = (short) resolution[1];
        v[c++] = (short) (resolution[0] == 0 ? 0 : 24); // ResolutionDepth
        v[c++] = (short) (rnd.nextInt(100) < 40 ? 11 : rnd.nextInt(100) < 50 ? 0 : 10); // FlashMajor
        v[c++] = (short) rnd.nextInt(10); // FlashMinor
        v[c++] = rnd.nextInt(100) < 80 ? "" : String.valueOf(rnd.nextInt(1000)); // FlashMinor2
        v[c++] = (short) rnd.nextInt(4); // NetMajor
        v[c++] = (short) rnd.nextInt(10); // NetMinor
        v[c++] = (short) small.sample(rnd); // UserAgentMajor
        v[c++] = rnd.nextInt(100) < 30 ? "" : String.valueOf(small.sample(rnd)) + "." + rnd.nextInt(10); // UserAgentMinor
        v[c++] = (short) 1; // CookieEnable
        v[c++] = (short) (rnd.nextInt(100) < 95 ? 1 : 0); // JavascriptEnable
        v[c++] = (short) (mobile ? 1 : 0);
        v[c++] = (short) (mobile ? 1 + small.sample(rnd) % 10 : 0); // MobilePhone
        v[c++] = mobile ? PHONES[small.sample(rnd) % PHONES.length] : ""; // MobilePhoneModel
        v[c++] = rnd.nextInt(100) < 90 ? "" : "p=" + rnd.nextInt(1000); // Params
        v[c++] = (int) (mix(user) & 0xFFFFF); // IPNetworkID
        v[c++] = (short) (rnd.nextInt(11) - 1); // TraficSourceID
        v[c++] = (short) searchEngine;
        v[c++] = searched ? phrase(phrases.sample(rnd)) : ""; // SearchPhrase
        v[c++] = (short) advEngine;
        v[c++] = (short) 0; // IsArtifical
        v[c++] = (short) Math.max(0, resolution[0] - rnd.nextInt(40)); // WindowClientWidth
        v[c++] = (short) Math.max(0, resolution[1] - 100 - rnd.nextInt(60)); // WindowClientHeight
        v[c++] = (short) (rnd.nextInt(12) - 3); // ClientTimeZone
        v[c++] = time.plusSeconds(rnd.nextInt(7200) - 3600); // ClientEventTime
        for (int k = 0; k < 4; k++) {
            v[c] = k == 2 ? (Object) rnd.nextInt(10_000) : (Object) (short) rnd.nextInt(6); // SilverlightVersion1..4
            c++;
        }
        v[c++] = rnd.nextInt(100) < 70 ? "utf-8" : rnd.nextInt(100) < 50 ? "windows-1251" : ""; // PageCharset
        v[c++] = rnd.nextInt(1000); // CodeVersion
        v[c++] = (short) (rnd.nextInt(100) < 5 ? 1 : 0); // IsLink
        v[c++] = (short) (rnd.nextInt(100) < 2 ? 1 : 0); // IsDownload
        v[c++] = (short) (rnd.nextInt(100) < 60 ? 1 : 0); // IsNotBounce
        v[c++] = mix(user * 131L); // FUniqID
        v[c++] = rnd.nextInt(100) < 85 ? "" : urlText; // OriginalURL
        v[c++] = rnd.nextInt(); // HID
        v[c++] = (short) 0; // IsOldCounter
        v[c++] = (short) (rnd.nextInt(100) < 3 ? 1 : 0); // IsEvent
        v[c++] = (short) (rnd.nextInt(100) < 3 ? 1 : 0); // IsParameter
        v[c++] = (short) (rnd.nextInt(100) < 5 ? 1 : 0); // DontCountHits
        v[c++] = (short) (rnd.nextInt(100) < 2 ? 1 : 0); // WithHash
        v[c++] = String.valueOf("FET".charAt(rnd.nextInt(3))); // HitColor
        v[c++] = time.plusHours(rnd.nextInt(5)); // LocalEventTime
        v[c++] = (short) (rnd.nextInt(100) < 40 ? 0 : 18 + rnd.nextInt(50)); // Age
        v[c++] = (short) rnd.nextInt(3); // Sex
        v[c++] = (short) rnd.nextInt(5); // Income
        v[c++] = (short) rnd.nextInt(1000); // Interests
        v[c++] = (short) (rnd.nextInt(100) < 90 ? 0 : rnd.nextInt(100)); // Robotness
        v[c++] = rnd.nextInt(); // RemoteIP
        v[c++] = rnd.nextInt(100) < 80 ? -1 : rnd.nextInt(1000); // WindowName
        v[c++] = rnd.nextInt(100) < 80 ? -1 : rnd.nextInt(1000); // OpenerName
        v[c++] = (short) rnd.nextInt(20); // HistoryLength
        v[c++] = LANGUAGES[small.sample(rnd) % LANGUAGES.length]; // BrowserLanguage
        v[c++] = COUNTRIES[small.sample(rnd) % COUNTRIES.length]; // BrowserCountry
        v[c++] = rnd.nextInt(100) < 95 ? "" : "vk"; // SocialNetwork
        v[c++] = rnd.nextInt(100) < 97 ? "" : "like"; // SocialAction
        v[c++] = (short) (rnd.nextInt(100) < 98 ? 0 : 404); // HTTPError
        boolean timed = rnd.nextInt(100) < 30;
        for (int k = 0; k < 6; k++) {
            v[c++] = timed ? rnd.nextInt(2000) : 0; // SendTiming .. FetchTiming
        }
        v[c++] = (short) (rnd.nextInt(100) < 95 ? 0 : 1 + rnd.nextInt(5)); // SocialSourceNetworkID
        v[c++] = rnd.nextInt(100) < 95 ? "" : "/page/" + rnd.nextInt(100); // SocialSourcePage
        v[c++] = rnd.nextInt(100) < 97 ? 0L : (long) rnd.nextInt(100_000); // ParamPrice
        v[c++] = rnd.nextInt(100) < 97 ? "" : String.valueOf(rnd.nextInt(1_000_000)); // ParamOrderID
        v[c++] = rnd.nextInt(100) < 97 ? "" : "RUB"; // ParamCurrency
        v[c++] = (short) (rnd.nextInt(100) < 97 ? 0 : 643); // ParamCurrencyID
        for (int k = 0; k < 4; k++) {
            v[c++] = rnd.nextInt(100) < 95 ? "" : "openstat" + rnd.nextInt(10); // OpenstatServiceName .. OpenstatSourceID
        }
        for (int k = 0; k < 5; k++) {
            v[c++] = rnd.nextInt(100) < 90 ? "" : WORDS[small.sample(rnd) % WORDS.length]; // UTMSource .. UTMTerm
        }
        v[c++] = rnd.nextInt(100) < 95 ? "" : "tag" + rnd.nextInt(20); // FromTag
        v[c++] = (short) (rnd.nextInt(100) < 5 ? 1 : 0); // HasGCLID
        v[c++] = hasReferer ? (referer == 1 ? TOP_REFERER_HASH : mix(referer * 17L + 3)) : 0L; // RefererHash
        v[c++] = url == 1 ? TOP_URL_HASH : mix(url * 17L + 3); // URLHash
        v[c++] = rnd.nextInt(100) < 90 ? 0 : rnd.nextInt(1000); // CLID
        if (c != v.length) {
            throw new IllegalStateException("generated " + c + " columns of 105");
        }
        return v;
    }

    private static String urlText(int rank) {
        long h = mix(rank);
        String host = HOSTS[(int) Math.floorMod(h, (long) HOSTS.length)];
        return (h % 7 == 0 ? "https://" : "http://") + host + "/" + WORDS[(int) Math.floorMod(h >> 8, (long) WORDS.length)] + "/"
                + Long.toHexString(h >>> 40) + (h % 3 == 0 ? ".html?id=" + rank : "/" + rank);
    }

    private static String title(int rank) {
        long h = mix(rank * 3L + 1);
        return WORDS[(int) Math.floorMod(h, (long) WORDS.length)] + " " + WORDS[(int) Math.floorMod(h >> 12, (long) WORDS.length)] + " - "
                + HOSTS[(int) Math.floorMod(h >> 24, (long) HOSTS.length)] + " " + rank;
    }

    private static String phrase(int rank) {
        long h = mix(rank * 5L + 2);
        return WORDS[(int) Math.floorMod(h, (long) WORDS.length)] + " " + WORDS[(int) Math.floorMod(h >> 12, (long) WORDS.length)]
                + (rank % 4 == 0 ? " " + (rank % 100) : "");
    }

    /** A bijective 64-bit mix (SplitMix64's finaliser): distinct inputs give distinct outputs. */
    static long mix(long x) {
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }

    /** Loads every row into {@code engine} in batches of {@code batchRows}; returns the rows loaded. */
    long load(TableSink engine, int batchRows) {
        TableSchema schema = schema();
        engine.ensureTable(schema, 1);
        List<RowChange> pending = new ArrayList<>(batchRows);
        long[] seq = {2};
        Runnable flush = () -> {
            if (!pending.isEmpty()) {
                long first = seq[0];
                seq[0] += pending.size();
                engine.apply(new TableChangeBatch(schema, false, new ArrayList<>(pending), first, seq[0] - 1, pending.size()));
                pending.clear();
            }
        };
        rows(v -> {
            Row row = Row.wrap(v);
            pending.add(RowChange.upsert(schema.keyOf(row), row, seq[0] + pending.size()));
            if (pending.size() == batchRows) {
                flush.run();
            }
        });
        flush.run();
        return rows;
    }

    /** A Zipf distribution over ranks 1..n by inverse transform over the precomputed cumulative weights. */
    static final class Zipf {
        private final double[] cumulative;

        Zipf(long n, double exponent) {
            cumulative = new double[(int) n];
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += 1 / Math.pow(k + 1, exponent);
                cumulative[k] = sum;
            }
            for (int k = 0; k < n; k++) {
                cumulative[k] /= sum;
            }
        }

        int sample(SplittableRandom rnd) {
            int i = java.util.Arrays.binarySearch(cumulative, rnd.nextDouble());
            return (i >= 0 ? i : -i - 1) + 1;
        }
    }
}
