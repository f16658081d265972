package org.apache.comet.cloud.s3;

import java.util.Map;

/**
 * Looked up by the 1.x native library at start-up, for its own S3 reader. Rhei reads S3 in Java (its storage
 * module) and never sends a native file scan, so these are never called.
 */
public final class CometS3CredentialDispatcher {
    private CometS3CredentialDispatcher() {
    }

    public static long ensureInitialized(String providerClass, String bucket, Map<String, String> options) {
        throw new UnsupportedOperationException("Rhei's plans never read S3 natively");
    }

    public static CometS3Credentials getCredentialsForPath(long handle, String bucket, String path, int mode) {
        throw new UnsupportedOperationException("Rhei's plans never read S3 natively");
    }

    public static String[] getPolicyLocations(long handle, String bucket) {
        throw new UnsupportedOperationException("Rhei's plans never read S3 natively");
    }
}
