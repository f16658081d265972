package org.apache.comet.parquet;

/** Looked up by the native side for encrypted Parquet; Rhei passes none. */
public class CometFileKeyUnwrapper {
    public byte[] getKey(String filePath, byte[] keyMetadata) {
        throw new UnsupportedOperationException("encrypted Parquet is not used by Rhei");
    }
}
