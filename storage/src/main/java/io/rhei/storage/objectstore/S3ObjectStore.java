package io.rhei.storage.objectstore;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Objects in an S3-compatible bucket (AWS, MinIO, R2, Ceph, s3proxy...) under a key prefix, through AWS SDK v2.
 * Credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, ...) and are
 * never logged. The endpoint is passed to the Vortex library explicitly, since it does not read AWS_ENDPOINT_URL.
 *
 * <p>{@link #putIfAbsent} sends {@code If-None-Match: *}: S3 and most compatible services refuse a second writer of
 * the same manifest version. Services that ignore the header still give one writer and many readers a safe
 * protocol, because an object PUT becomes visible whole and Rhei has one writer per table.
 */
public final class S3ObjectStore implements ObjectStore {
    private final String bucket;
    private final String prefix;
    private final URI endpoint;
    private final Region region;
    private final S3Client client;
    private final Map<String, String> vortexOptions;

    /**
     * @param uri      {@code s3://bucket/prefix}
     * @param endpoint the service's endpoint (null: AWS_ENDPOINT_URL, else AWS itself)
     * @param region   null: AWS_REGION, else us-east-1
     */
    public S3ObjectStore(URI uri, String endpoint, String region) {
        if (!"s3".equals(uri.getScheme()) || uri.getHost() == null || uri.getHost().isBlank()) {
            throw new ObjectStoreException("storage URI " + uri + " is not of the form s3://bucket/prefix");
        }
        this.bucket = uri.getHost();
        String p = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+", "").replaceAll("/+$", "");
        this.prefix = p.isEmpty() ? "" : p + "/";
        this.region = Region.of(firstNonBlank(region, System.getenv("AWS_REGION"), "us-east-1"));
        String ep = firstNonBlank(endpoint, System.getenv("AWS_ENDPOINT_URL"), null);
        this.endpoint = ep == null ? URI.create("https://s3." + this.region.id() + ".amazonaws.com") : URI.create(ep);
        AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        AwsCredentials resolved;
        try {
            resolved = credentials.resolveCredentials();
        } catch (SdkException e) {
            throw new ObjectStoreException("no S3 credentials for " + describe()
                    + ": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an AWS profile): " + e.getMessage(), e);
        }
        var builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(60)))
                .region(this.region)
                .credentialsProvider(() -> resolved)
                .forcePathStyle(ep != null);
        if (ep != null) {
            builder.endpointOverride(this.endpoint);
        }
        this.client = builder.build();
        Map<String, String> opts = new HashMap<>();
        opts.put("endpoint", this.endpoint.toString());
        opts.put("region", this.region.id());
        opts.put("access_key_id", resolved.accessKeyId());
        opts.put("secret_access_key", resolved.secretAccessKey());
        if (resolved instanceof AwsSessionCredentials s) {
            opts.put("session_token", s.sessionToken());
        }
        if (this.endpoint.getScheme().equals("http")) {
            opts.put("allow_http", "true");
        }
        this.vortexOptions = Map.copyOf(opts);
    }

    private static String firstNonBlank(String a, String b, String c) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        if (b != null && !b.isBlank()) {
            return b;
        }
        return c;
    }

    /** Fails with a clear message when the bucket cannot be reached or written (startup check). */
    public void checkAccess() {
        String key = "_rhei_write_check";
        put(key, new byte[] {1});
        delete(key);
    }

    @Override
    public void put(String key, byte[] bytes) {
        try {
            client.putObject(PutObjectRequest.builder().bucket(bucket).key(prefix + key).build(), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw failure("write", key, e);
        }
    }

    @Override
    public void putIfAbsent(String key, byte[] bytes) {
        try {
            client.putObject(PutObjectRequest.builder().bucket(bucket).key(prefix + key).ifNoneMatch("*").build(),
                    RequestBody.fromBytes(bytes));
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                if (sameContent(key, bytes)) {
                    return; // the SDK retried a PUT whose first attempt had succeeded
                }
                throw new ObjectExistsException(describe() + ": " + key + " already exists (is another writer using this storage?)");
            }
            throw failure("write", key, e);
        } catch (SdkException e) {
            throw failure("write", key, e);
        }
    }

    private boolean sameContent(String key, byte[] bytes) {
        try {
            return java.util.Arrays.equals(get(key), bytes);
        } catch (ObjectStoreException e) {
            return false;
        }
    }

    @Override
    public byte[] get(String key) {
        try {
            return client.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + key)).asByteArray();
        } catch (NoSuchKeyException e) {
            throw new ObjectStoreException(describe() + ": " + key + " does not exist", e);
        } catch (SdkException e) {
            throw failure("read", key, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String keyPrefix) {
        List<ObjectInfo> out = new ArrayList<>();
        try {
            for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + keyPrefix)).contents()) {
                out.add(new ObjectInfo(o.key().substring(prefix.length()), o.size(), o.lastModified().toEpochMilli()));
            }
        } catch (SdkException e) {
            throw failure("list", keyPrefix, e);
        }
        return out;
    }

    @Override
    public void delete(String key) {
        try {
            client.deleteObject(b -> b.bucket(bucket).key(prefix + key));
        } catch (NoSuchKeyException e) {
            // already gone
        } catch (SdkException e) {
            throw failure("delete", key, e);
        }
    }

    @Override
    public String vortexUri(String key) {
        return "s3://" + bucket + "/" + prefix + key;
    }

    @Override
    public Map<String, String> vortexOptions() {
        return vortexOptions;
    }

    @Override
    public String describe() {
        return "S3 storage s3://" + bucket + "/" + prefix + " at " + endpoint;
    }

    @Override
    public void close() {
        client.close();
    }

    private ObjectStoreException failure(String what, String key, SdkException e) {
        return new ObjectStoreException(describe() + ": cannot " + what + " " + key + ": " + e.getMessage(), e);
    }
}
