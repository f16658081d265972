package org.apache.comet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Loads {@code libcomet.so} (JNI symbols {@code Java_org_apache_comet_NativeBase_*}) from the class path into a
 * per-version file under {@code java.io.tmpdir} (or {@code -Drhei.datafusion.library=PATH}) and initialises it.
 */
public abstract class NativeBase {
    public static final String LIBRARY_VERSION = "0.12.0";
    private static volatile boolean loaded;
    private static volatile Abi abi;

    /** The two native ABIs Rhei speaks; each {@code libcomet.so} speaks one. */
    public enum Abi {
        /** 0.12 (DataFusion 50.3): scans pull batches through {@link CometBatchIterator}. */
        BATCH_ITERATOR,
        /** 1.x (DataFusion 55.2 in 1.2.0): scans pull an Arrow C stream; createPlan also takes a TaskContext. */
        ARROW_STREAM
    }

    static {
        load();
    }

    static synchronized void load() {
        if (loaded) {
            return;
        }
        String explicit = System.getProperty("rhei.datafusion.library");
        Path lib;
        try {
            if (explicit != null && !explicit.isBlank()) {
                lib = Path.of(explicit);
            } else {
                String resource = "/org/apache/comet/linux/amd64/libcomet.so";
                Path dir = Path.of(System.getProperty("java.io.tmpdir"), "rhei-datafusion-" + LIBRARY_VERSION);
                Files.createDirectories(dir);
                lib = dir.resolve("libcomet.so");
                try (InputStream in = NativeBase.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException("the DataFusion native library " + resource + " is not on the class path "
                                + "(it is unpacked by the olap-sink-datafusion build; only linux/amd64 is packaged)");
                    }
                    if (!Files.exists(lib)) {
                        Path tmp = Files.createTempFile(dir, "libcomet", ".tmp");
                        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract the DataFusion native library: " + e.getMessage(), e);
        }
        System.load(lib.toAbsolutePath().toString());
        // An empty log configuration makes the native side log to stderr at this level.
        init("", System.getProperty("rhei.datafusion.log-level", "warn"));
        abi = detectAbi();
        loaded = true;
    }

    /** Only the 1.x library exports {@code nativeSupportsPythonUdf}; calling it is harmless. */
    private static Abi detectAbi() {
        try {
            nativeSupportsPythonUdf();
            return Abi.ARROW_STREAM;
        } catch (UnsatisfiedLinkError e) {
            return Abi.BATCH_ITERATOR;
        }
    }

    /** The ABI of the loaded library. */
    public static Abi abi() {
        return abi;
    }

    public static boolean isLoaded() {
        return loaded;
    }

    /** Records the JavaVM for callbacks; must run before any plan. */
    static native void init(String logConfPath, String logLevel);

    public static native boolean isFeatureEnabled(String featureName);

    /** 1.x only (see {@link #detectAbi}). */
    private static native boolean nativeSupportsPythonUdf();
}
