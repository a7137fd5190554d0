package dev.externref.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckoutTest {
    @Test
    void rootHoldsThePomAndTheScripts() {
        Path root = Checkout.root();
        assertTrue(Files.isRegularFile(root.resolve("pom.xml")));
        assertTrue(Files.isRegularFile(root.resolve("scripts/fetch-npm-modules.sh")));
        assertTrue(Files.isDirectory(root.resolve("externref-engine")));
    }

    @Test
    void findWalksUpFromAModuleDirectory(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("scripts"));
        Files.writeString(dir.resolve("scripts/validate.mjs"), "");
        Files.writeString(dir.resolve("pom.xml"), "");
        Path module = Files.createDirectories(dir.resolve("externref-engine/src"));
        Files.writeString(dir.resolve("externref-engine/pom.xml"), "");
        assertEquals(dir, Checkout.find(module));
        assertEquals(dir, Checkout.find(dir));
    }

    @Test
    void findGivesNullOutsideACheckout(@TempDir Path dir) {
        assertNull(Checkout.find(dir));
    }
}
