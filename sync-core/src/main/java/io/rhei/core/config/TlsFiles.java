package io.rhei.core.config;

import io.rhei.core.RheiException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The PEM files a server presents for TLS: its certificate chain and its PKCS#8 private key. Both query servers
 * (Flight SQL and the PostgreSQL protocol) take the same pair, from {@code server.tls.cert} and {@code server.tls.key}.
 */
public record TlsFiles(Path certificateChain, Path privateKey) {
    public TlsFiles {
        requireReadable(certificateChain, "server.tls.cert");
        requireReadable(privateKey, "server.tls.key");
    }

    /** The pair from two settings, or null when neither is set; one without the other is a mistake named as such. */
    public static TlsFiles of(String cert, String key) {
        boolean hasCert = cert != null && !cert.isBlank();
        boolean hasKey = key != null && !key.isBlank();
        if (!hasCert && !hasKey) {
            return null;
        }
        if (hasCert != hasKey) {
            throw new RheiException("TLS needs both server.tls.cert and server.tls.key (PEM files); only "
                    + (hasCert ? "server.tls.cert" : "server.tls.key") + " is set");
        }
        return new TlsFiles(Path.of(cert.strip()), Path.of(key.strip()));
    }

    private static void requireReadable(Path p, String key) {
        if (p == null || !Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new RheiException(key + " names " + p + ", which is not a readable file");
        }
    }
}
