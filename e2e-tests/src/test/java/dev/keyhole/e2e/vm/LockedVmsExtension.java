package dev.keyhole.e2e.vm;

import dev.keyhole.e2e.fixtures.E2ePaths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Boots the locked VMs a test class names in {@link LockedVmLayouts} (those not booted yet in this run, all
 * in parallel), waits for their first prompt, and injects {@link LockedVms}. The VMs live until the end of
 * the run (the root context's store closes them); their directories are {@code target/fixtures/LockedVm/<layout>}.
 */
public final class LockedVmsExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LockedVmsExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        LockedVms vms = pool(context);
        String[] layouts = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), LockedVmLayouts.class)
                .map(LockedVmLayouts::value).orElse(new String[0]);
        synchronized (vms) {
            List<LockedVm> booting = new ArrayList<>();
            try {
                for (String layout : layouts) {
                    if (!vms.has(layout)) {
                        LockedVm vm = LockedVm.boot(layout, E2ePaths.fixtureDir(LockedVm.class, layout),
                                LockedVms.passphraseOf(layout));
                        booting.add(vm);
                        vms.add(vm);
                    }
                }
            } finally {
                for (LockedVm vm : booting) {
                    vm.awaitPrompt(1, LockedVm.BOOT_TIMEOUT);
                }
            }
        }
    }

    /** @return the run's locked VMs (those the test class names in {@link LockedVmLayouts} are booted) */
    public static LockedVms pool(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(LockedVms.class, k -> new LockedVms(),
                LockedVms.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LockedVms.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return pool(context);
    }
}
