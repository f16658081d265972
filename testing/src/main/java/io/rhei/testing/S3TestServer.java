package io.rhei.testing;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real S3-compatible server (s3proxy over a local directory) on 127.0.0.1, for tests: real HTTP, real SigV4
 * authentication. Sets the AWS SDK's credential system properties so the code under test finds them the way it
 * finds them in production.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS_KEY = "rhei-test";
    public static final String SECRET_KEY = "rhei-test-secret";
    private final S3Proxy proxy;
    private final Path dir;

    private S3TestServer(S3Proxy proxy, Path dir) {
        this.proxy = proxy;
        this.dir = dir;
    }

    public static S3TestServer start(String... buckets) throws Exception {
        return start(Files.createTempDirectory("rhei-s3-"), 0, buckets);
    }

    /** A server over {@code dir} on {@code port} (0: any free one): started again on the same ones, a restart. */
    public static S3TestServer start(Path dir, int port, String... buckets) throws Exception {
        FilesystemNio2BlobStore store = new FilesystemNio2BlobStore(dir.toString());
        for (String b : buckets) {
            if (!store.containerExists(b)) {
                store.createContainer(b);
            }
        }
        S3Proxy proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        System.setProperty("aws.region", "us-east-1");
        return new S3TestServer(proxy, dir);
    }

    public int port() {
        return proxy.getPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping s3proxy: " + e, e);
        }
    }
}
