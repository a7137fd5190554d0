package dev.externref.maven;

import org.apache.maven.plugin.Mojo;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's parameter table says what {@code mvn externref:help -Ddetail} says: the same
 * parameters, each with the same user property and default. The help text comes from the
 * generated help goal itself, run on the descriptor this build generated; the table is found by
 * its header, so a new parameter needs only its README row.
 */
class ReadmeParameterTableTest {

    /** A parameter as a document states it; {@code null}: none stated. */
    record Parameter(String userProperty, String defaultValue, String description) {
    }

    @Test
    void readmeTableMatchesTheHelpGoal() throws Exception {
        Map<String, Parameter> help = parseHelp(runHelpGoal());
        Path readme = Path.of("../README.md");   // surefire runs in the module directory
        Map<String, String[]> table = parseTable(Files.readString(readme));

        List<String> problems = new ArrayList<>();
        for (String name : new TreeSet<>(help.keySet())) {
            if (!table.containsKey(name)) {
                problems.add("`" + name + "` is a parameter (externref:help) but has no row in the README table");
            }
        }
        for (String name : table.keySet()) {
            Parameter p = help.get(name);
            if (p == null) {
                problems.add("README row `" + name + "` is not a parameter of externref:process");
                continue;
            }
            String[] row = table.get(name);
            String property = literal(row[0]);
            if (p.userProperty() == null ? property != null : !p.userProperty().equals(property)) {
                problems.add(name + ": user property is " + show(p.userProperty()) + " in the help, "
                        + show(property) + " in the README");
            }
            String readmeDefault = literal(row[1]);
            if (p.defaultValue() != null) {
                if (!p.defaultValue().equals(readmeDefault)) {
                    problems.add(name + ": default is `" + p.defaultValue() + "` in the help, cell '" + row[1] + "' in the README");
                }
            } else if (readmeDefault != null && !p.description().contains(readmeDefault)) {
                // No default in the descriptor: the README may name the effective one only as the
                // parameter's own description does (e.g. includes: **/*.wasm).
                problems.add(name + ": the README gives default `" + readmeDefault
                        + "`, the help neither declares nor describes it");
            }
        }
        if (!problems.isEmpty()) {
            fail("README.md parameter table and externref:help -Ddetail disagree:\n  " + String.join("\n  ", problems));
        }
    }

    @Test
    void parsesTheHelpGoalsLayout() throws Exception {
        Map<String, Parameter> help = parseHelp(runHelpGoal());
        // The layout this test relies on: names, defaults and user properties all recognized.
        assertEquals(new Parameter("externref.tableName", "externrefs", help.get("tableName").description()), help.get("tableName"));
        assertEquals(null, help.get("modules").userProperty());
        assertTrue(help.get("includes").description().contains("**/*.wasm"), help.get("includes").description());
        assertTrue(help.size() >= 12, help.keySet().toString());
    }

    @Test
    void findsTheTableByItsHeader() {
        String readme = """
                Some text | with a bar.

                | Parameter | User property | Default | What it does |
                |---|---|---|---|
                | `skip` | `externref.skip` | `false` | skip |
                | `modules` | – | none | per-module |

                After.
                """;
        Map<String, String[]> table = parseTable(readme);
        assertEquals(List.of("skip", "modules"), List.copyOf(table.keySet()));
        assertEquals("externref.skip", literal(table.get("skip")[0]));
        assertEquals(null, literal(table.get("modules")[0]));
        assertEquals(null, literal(table.get("modules")[1]));
    }

    /** What {@code mvn externref:help -Ddetail -DlineLength=1000} prints, from the generated help goal. */
    private static String runHelpGoal() throws Exception {
        Class<?> type = Class.forName("dev.externref.externref_maven_plugin.HelpMojo");
        Mojo mojo = (Mojo) type.getDeclaredConstructor().newInstance();
        set(mojo, "detail", true);
        set(mojo, "goal", "process");
        set(mojo, "lineLength", 1000);
        set(mojo, "indentSize", 2);
        StringBuilder out = new StringBuilder();
        mojo.setLog(new SystemStreamLog() {
            @Override
            public void info(CharSequence content) {
                out.append(content).append('\n');
            }
        });
        mojo.execute();
        return out.toString();
    }

    private static void set(Object target, String field, Object value) throws ReflectiveOperationException {
        Field f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }

    private static final Pattern PARAMETER = Pattern.compile("^    (\\w+)(?: \\(Default: (.*)\\))?$");
    private static final Pattern USER_PROPERTY = Pattern.compile("^      User property: (\\S+)$");

    /** Parameters in the help goal's layout: a 4-space name line, 6-space description lines. */
    static Map<String, Parameter> parseHelp(String text) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        String name = null;
        String defaultValue = null;
        String property = null;
        StringBuilder description = new StringBuilder();
        for (String line : text.split("\\R")) {
            Matcher p = PARAMETER.matcher(line);
            if (p.matches()) {
                if (name != null) {
                    out.put(name, new Parameter(property, defaultValue, description.toString().trim()));
                }
                name = p.group(1);
                defaultValue = p.group(2);
                property = null;
                description.setLength(0);
                continue;
            }
            Matcher u = USER_PROPERTY.matcher(line);
            if (u.matches()) {
                property = u.group(1);
            } else if (name != null && line.startsWith("      ")) {
                description.append(line.trim()).append(' ');
            }
        }
        if (name != null) {
            out.put(name, new Parameter(property, defaultValue, description.toString().trim()));
        }
        if (out.isEmpty()) {
            throw new AssertionError("no parameter recognized in the help output:\n" + text);
        }
        return out;
    }

    /**
     * The rows of the markdown table whose header has the columns parameter, user property and
     * default: parameter name to {user property cell, default cell}.
     */
    static Map<String, String[]> parseTable(String markdown) {
        String[] lines = markdown.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            List<String> header = cells(lines[i]).stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
            int name = header.indexOf("parameter");
            int property = header.indexOf("user property");
            int defaultValue = header.indexOf("default");
            if (name < 0 || property < 0 || defaultValue < 0) {
                continue;
            }
            Map<String, String[]> rows = new LinkedHashMap<>();
            for (int j = i + 2; j < lines.length && lines[j].trim().startsWith("|"); j++) {
                List<String> row = cells(lines[j]);
                String key = literal(row.get(name));
                if (key == null) {
                    throw new AssertionError("README table row without a `parameter` name: " + lines[j]);
                }
                rows.put(key, new String[] {row.get(property), row.get(defaultValue)});
            }
            return rows;
        }
        throw new AssertionError("no table with the columns parameter, user property, default in the README");
    }

    private static List<String> cells(String line) {
        String t = line.trim();
        if (!t.startsWith("|")) {
            return List.of();
        }
        t = t.substring(1, t.endsWith("|") ? t.length() - 1 : t.length());
        List<String> out = new ArrayList<>();
        for (String c : t.split("\\|", -1)) {
            out.add(c.trim());
        }
        return out;
    }

    /** The code literal of a cell ({@code `x`} gives x); a cell in words ("none", "in place", "–") has none. */
    static String literal(String cell) {
        String t = cell.trim();
        return t.length() >= 2 && t.startsWith("`") && t.endsWith("`") ? t.substring(1, t.length() - 1) : null;
    }

    private static String show(String value) {
        return value == null ? "none" : "`" + value + "`";
    }

}
