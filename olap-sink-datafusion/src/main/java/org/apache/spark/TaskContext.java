package org.apache.spark;

/** Named in the 1.x {@code createPlan} signature (for JVM UDFs, which Rhei never sends); Rhei always passes null. */
public abstract class TaskContext {
}
