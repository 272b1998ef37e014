package dev.parcel.e2e;

import java.util.Comparator;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.Order;

/**
 * The order of the end-to-end classes (the e2e pom makes it the default): by name, as before, except that a class
 * with an {@link Order} runs by it, {@link Order#DEFAULT} being that of the others. ChaosIT, which breaks the shared
 * platform on purpose, has the highest and runs last.
 */
public final class ByOrderThenName implements ClassOrderer {
    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator
                .comparingInt((ClassDescriptor descriptor) -> descriptor.findAnnotation(Order.class)
                        .map(Order::value).orElse(Order.DEFAULT))
                .thenComparing(descriptor -> descriptor.getTestClass().getName()));
    }
}
