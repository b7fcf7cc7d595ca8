package dev.keyhole.e2e.vm;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test class needs locked VMs with these guest keyboard layouts (guacd's names). They boot in parallel
 * before the class's first test, once per run, and are shared with every other class that names the same
 * layout; inject {@link LockedVms} to reach them.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(LockedVmsExtension.class)
public @interface LockedVmLayouts {
    /** The layouts, e.g. {@code de-de-qwertz}. */
    String[] value();
}
