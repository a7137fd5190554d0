package dev.externref.maven;

import java.util.regex.Pattern;

/**
 * An Ant-style path pattern, as in Maven's {@code <includes>}: {@code *} matches within one
 * path segment, {@code ?} one character of a segment, {@code **} any number of segments
 * (including none), and a trailing {@code /} means {@code /**}. Paths and patterns use
 * {@code /}; a {@code \} in a pattern is read as {@code /}. Matching is case-sensitive.
 */
final class PathPattern {
    private final String text;
    private final Pattern regex;

    private PathPattern(String text, Pattern regex) {
        this.text = text;
        this.regex = regex;
    }

    static PathPattern compile(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("empty path pattern");
        }
        String p = pattern.trim().replace('\\', '/');
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        if (p.endsWith("/")) {
            p = p + "**";
        }
        return new PathPattern(p, Pattern.compile(toRegex(p)));
    }

    private static String toRegex(String p) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '*' && i + 1 < p.length() && p.charAt(i + 1) == '*') {
                boolean atSegmentStart = i == 0 || p.charAt(i - 1) == '/';
                boolean slashFollows = i + 2 < p.length() && p.charAt(i + 2) == '/';
                boolean atEnd = i + 2 == p.length();
                if (atSegmentStart && slashFollows) {
                    re.append("(?:[^/]*/)*");          // "**/": zero or more whole segments
                    i += 3;
                } else if (atSegmentStart && atEnd && i > 0) {
                    re.setLength(re.length() - 1);    // "/**" at the end: the directory itself or anything below
                    re.append("(?:/.*)?");
                    i += 2;
                } else {
                    re.append(".*");
                    i += 2;
                }
            } else if (c == '*') {
                re.append("[^/]*");
                i++;
            } else if (c == '?') {
                re.append("[^/]");
                i++;
            } else {
                if ("\\.[]{}()^$|+".indexOf(c) >= 0) {
                    re.append('\\');
                }
                re.append(c);
                i++;
            }
        }
        return re.toString();
    }

    /** Whether a relative path (with {@code /} separators) matches. */
    boolean matches(String relativePath) {
        return regex.matcher(relativePath).matches();
    }

    /**
     * Whether this pattern excludes everything below the directory {@code relativeDir}, so a
     * scan need not descend into it ({@code target/it/**} for {@code target/it}).
     */
    boolean coversDirectory(String relativeDir) {
        return text.endsWith("/**") && matches(relativeDir);
    }

    @Override
    public String toString() {
        return text;
    }
}
