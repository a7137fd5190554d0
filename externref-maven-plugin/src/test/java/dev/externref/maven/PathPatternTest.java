package dev.externref.maven;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathPatternTest {
    @Test
    void doubleStarSlashMatchesZeroOrMoreDirectories() {
        PathPattern p = PathPattern.compile("**/*.wasm");
        assertTrue(p.matches("a.wasm"));
        assertTrue(p.matches("wasm/a.wasm"));
        assertTrue(p.matches("x/y/z/a.wasm"));
        assertFalse(p.matches("a.wasm.bak"));
        assertFalse(p.matches("a.wat"));
    }

    @Test
    void singleStarAndQuestionMarkStayWithinASegment() {
        assertTrue(PathPattern.compile("wasm/*.wasm").matches("wasm/a.wasm"));
        assertFalse(PathPattern.compile("wasm/*.wasm").matches("wasm/sub/a.wasm"));
        assertTrue(PathPattern.compile("m?.wasm").matches("m1.wasm"));
        assertFalse(PathPattern.compile("m?.wasm").matches("m/.wasm"));
        assertFalse(PathPattern.compile("m?.wasm").matches("m12.wasm"));
    }

    @Test
    void trailingDoubleStarCoversTheDirectoryAndEverythingBelow() {
        PathPattern p = PathPattern.compile("gen/**");
        assertTrue(p.matches("gen/a.wasm"));
        assertTrue(p.matches("gen/x/a.wasm"));
        assertTrue(p.coversDirectory("gen"));
        assertFalse(p.matches("general/a.wasm"));
        assertFalse(p.coversDirectory("general"));
    }

    @Test
    void trailingSlashMeansEverythingBelow() {
        assertTrue(PathPattern.compile("gen/").matches("gen/x/a.wasm"));
    }

    @Test
    void middleDoubleStar() {
        PathPattern p = PathPattern.compile("a/**/b/*.wasm");
        assertTrue(p.matches("a/b/m.wasm"));
        assertTrue(p.matches("a/x/y/b/m.wasm"));
        assertFalse(p.matches("a/x/c/m.wasm"));
    }

    @Test
    void regexCharactersAreLiteralAndBackslashesAreSlashes() {
        assertTrue(PathPattern.compile("v1.0+(x)/[a].wasm").matches("v1.0+(x)/[a].wasm"));
        assertFalse(PathPattern.compile("v1.0/a.wasm").matches("v1x0/a.wasm"));
        assertTrue(PathPattern.compile("wasm\\*.wasm").matches("wasm/a.wasm"));
    }

    @Test
    void mavensRegexPatterns() {
        PathPattern p = PathPattern.compile("%regex[wasm/m[0-9]+\\.wasm]");
        assertTrue(p.matches("wasm/m12.wasm"));
        assertFalse(p.matches("wasm/mx.wasm"));
    }

    /**
     * The hand-written matcher this replaced backtracked exponentially here (over 2 minutes); the
     * timeout is a hang guard, not a speed target.
     */
    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void manyStarsAgainstALongNameFinish() {
        String name = "a".repeat(40);
        PathPattern stars = PathPattern.compile("*a".repeat(12) + "*b");
        PathPattern segments = PathPattern.compile("**/".repeat(12) + "*b");
        String deep = "a/".repeat(40) + "a";
        assertFalse(stars.matches(name));
        assertTrue(stars.matches(name + "b"));
        assertFalse(stars.matches("a".repeat(11) + "b"), "twelve a's needed");
        assertFalse(segments.matches(deep));
        assertTrue(segments.matches(deep + "b"));
        assertTrue(PathPattern.compile("*a".repeat(12) + "*").matches(name));
        assertTrue(PathPattern.compile("**/".repeat(12) + "a").matches(deep));
    }

    @Test
    void aPlainNameMatchesOnlyAtTheTop() {
        assertTrue(PathPattern.compile("a.wasm").matches("a.wasm"));
        assertFalse(PathPattern.compile("a.wasm").matches("x/a.wasm"));
    }

    @Test
    void emptyPatternIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> PathPattern.compile(" "));
    }
}
