package org.apache.comet.cloud.s3;

/** Looked up by the 1.x native library at start-up (for its own S3 reader, which Rhei's plans never use). */
public final class CometS3Credentials {
    private final String accessKeyId;
    private final String secretAccessKey;
    private final String sessionToken;
    private final long expirationEpochMillis;

    public CometS3Credentials(String accessKeyId, String secretAccessKey, String sessionToken, long expirationEpochMillis) {
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.sessionToken = sessionToken;
        this.expirationEpochMillis = expirationEpochMillis;
    }

    public String getAccessKeyId() {
        return accessKeyId;
    }

    public String getSecretAccessKey() {
        return secretAccessKey;
    }

    public String getSessionToken() {
        return sessionToken;
    }

    public long getExpirationEpochMillis() {
        return expirationEpochMillis;
    }
}
