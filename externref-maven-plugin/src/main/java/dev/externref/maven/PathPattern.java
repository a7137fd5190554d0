package dev.externref.maven;

import org.codehaus.plexus.util.MatchPattern;
import org.codehaus.plexus.util.SelectorUtils;

import java.io.File;

/**
 * A pattern of {@code <includes>}, {@code <excludes>} and {@code <modules>}, matched by Maven's
 * own matcher (plexus-utils {@link MatchPattern}, as the resources and compiler plugins' scanners
 * use it): {@code *} within one path segment, {@code ?} one character, {@code **} any number of
 * segments, a trailing {@code /} means {@code /**}, {@code /} and {@code \} both separate
 * segments, {@code %regex[...]} is a regular expression over the path. Case-sensitive. Its
 * matching takes time polynomial in the pattern and path, however many {@code *} a pattern has.
 */
final class PathPattern {
    private final String text;
    private final MatchPattern pattern;

    private PathPattern(String text, MatchPattern pattern) {
        this.text = text;
        this.pattern = pattern;
    }

    static PathPattern compile(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("empty path pattern");
        }
        String normalized = normalize(pattern.trim());
        return new PathPattern(normalized, MatchPattern.fromString(normalized));
    }

    /** As Maven's {@code DirectoryScanner} normalizes a pattern before matching (AbstractScanner.normalizePattern). */
    private static String normalize(String pattern) {
        if (pattern.startsWith(SelectorUtils.REGEX_HANDLER_PREFIX)) {
            return pattern;
        }
        String p = pattern.replace(File.separatorChar == '/' ? '\\' : '/', File.separatorChar);
        return p.endsWith(File.separator) ? p + "**" : p;
    }

    /** Whether a relative path (with {@code /} separators) matches. */
    boolean matches(String relativePath) {
        return pattern.matchPath(relativePath.replace('/', File.separatorChar), true);
    }

    /**
     * Whether this pattern excludes everything below the directory {@code relativeDir}, so a
     * scan need not descend into it ({@code target/it/**} for {@code target/it}).
     */
    boolean coversDirectory(String relativeDir) {
        return text.endsWith(File.separator + "**") && matches(relativeDir);
    }

    @Override
    public String toString() {
        return text;
    }
}
