package dev.externref.engine;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's packages depend one way: the command line on the API, the API on the transform,
 * the transform on the analysis, the analysis on the format, everything on the exceptions; the
 * file output ({@code io}) and {@code wasmopt} stand apart and depend on nothing here. Checked on
 * what the compiler produced (every class the bytecode names, in the constant pool) and on the
 * sources' imports (which also catch an import that is not used). And the exported packages'
 * public types show no type of a package that is not exported.
 */
class PackageLayersTest {
    private static final String ROOT = "dev.externref.engine";

    /** Each package and the engine packages it may use (besides itself). */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "error", Set.of(),
            "format", Set.of("error"),
            "analysis", Set.of("format", "error"),
            "transform", Set.of("analysis", "format", "error"),
            "io", Set.of(),
            "wasmopt", Set.of(),
            "", Set.of("transform", "analysis", "format", "error", "io", "wasmopt"),
            // The command line is a user of the API like the Maven plugin: exported packages only.
            "cli", Set.of("", "error", "io", "wasmopt"));

    /** A class name in a constant pool entry: its package (group 1, after the root) and simple name. */
    private static final Pattern INTERNAL_NAME = Pattern.compile("dev/externref/engine((?:/[a-z][a-z0-9_]*)*)/[A-Za-z_$]");
    private static final Pattern IMPORT = Pattern.compile(
            "^\\s*import\\s+(?:static\\s+)?dev\\.externref\\.engine((?:\\.[a-z][a-z0-9_]*)*)\\.[A-Z*]", Pattern.MULTILINE);

    @Test
    void compiledClassesReferenceOnlyLowerPackages() throws IOException {
        Set<String> violations = new TreeSet<>();
        int classes = 0;
        try (Stream<Path> files = Files.walk(classesDirectory())) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                if (file.getFileName().toString().equals("module-info.class")) {
                    continue;
                }
                classes++;
                String relative = classesDirectory().relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
                String className = relative.substring(0, relative.length() - ".class".length());
                String from = packageOf(className.substring(0, className.lastIndexOf('.')));
                for (String name : classNames(file)) {
                    Matcher m = INTERNAL_NAME.matcher(name);
                    while (m.find()) {
                        check(className, from, m.group(1).replace('/', '.'), violations);
                    }
                }
            }
        }
        assertTrue(classes > 20, "found the engine's classes in " + classesDirectory());
        assertEquals(Set.of(), violations, "references against the package layers (ALLOWED)");
    }

    @Test
    void sourcesImportOnlyLowerPackages() throws IOException {
        Path sources = classesDirectory().resolve("../../src/main/java").normalize();
        assertTrue(Files.isDirectory(sources.resolve("dev/externref/engine")), "the engine's sources in " + sources);
        Set<String> violations = new TreeSet<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String relative = sources.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                if (relative.equals("module-info.java")) {
                    continue;
                }
                String from = packageOf(relative.substring(0, relative.lastIndexOf('/')).replace('/', '.'));
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    check(relative, from, m.group(1), violations);
                }
            }
        }
        assertEquals(Set.of(), violations, "imports against the package layers (ALLOWED)");
    }

    @Test
    void everyPackageHasItsLayer() throws IOException {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classesDirectory())) {
            files.filter(p -> p.toString().endsWith(".class") && !p.endsWith("module-info.class"))
                    .forEach(p -> packages.add(packageOf(classesDirectory().relativize(p.getParent()).toString()
                            .replace(p.getFileSystem().getSeparator(), "."))));
        }
        assertEquals(new TreeSet<>(ALLOWED.keySet()), packages, "a new package needs its place in ALLOWED");
    }

    @Test
    void theExportedApiShowsOnlyExportedTypes() throws IOException, ClassNotFoundException {
        Set<String> exported;
        try (InputStream in = Files.newInputStream(classesDirectory().resolve("module-info.class"))) {
            exported = ModuleDescriptor.read(in).exports().stream().map(ModuleDescriptor.Exports::source)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(Set.of(ROOT, ROOT + ".error", ROOT + ".io", ROOT + ".wasmopt"), exported);
        Set<String> violations = new TreeSet<>();
        int types = 0;
        try (Stream<Path> files = Files.walk(classesDirectory())) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String relative = classesDirectory().relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
                String name = relative.substring(0, relative.length() - ".class".length());
                if (name.equals("module-info") || name.endsWith("package-info")
                        || !exported.contains(name.substring(0, name.lastIndexOf('.')))) {
                    continue;
                }
                Class<?> type = Class.forName(name, false, getClass().getClassLoader());
                if (!visible(type)) {
                    continue;
                }
                types++;
                List<Type> shown = new ArrayList<>();
                shown.add(type.getGenericSuperclass());
                shown.addAll(List.of(type.getGenericInterfaces()));
                for (Field f : type.getDeclaredFields()) {
                    if (visible(f)) {
                        shown.add(f.getGenericType());
                    }
                }
                List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredMethods()));
                executables.addAll(List.of(type.getDeclaredConstructors()));
                for (Executable e : executables) {
                    if (visible(e) && !e.isSynthetic()) {
                        shown.addAll(List.of(e.getGenericParameterTypes()));
                        shown.addAll(List.of(e.getGenericExceptionTypes()));
                        if (e instanceof java.lang.reflect.Method m) {
                            shown.add(m.getGenericReturnType());
                        }
                    }
                }
                for (Type t : shown) {
                    for (Class<?> c : classesIn(t, new ArrayList<>())) {
                        String pkg = c.getPackageName();
                        if (pkg.startsWith(ROOT) && !exported.contains(pkg)) {
                            violations.add(type.getName() + " shows " + c.getName());
                        }
                    }
                }
            }
        }
        assertTrue(types >= 12, "found the API's public types: " + types);
        assertEquals(Set.of(), violations, "public API naming types of packages that are not exported");
    }

    private static boolean visible(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(Member member) {
        int m = member.getModifiers();
        return Modifier.isPublic(m) || Modifier.isProtected(m) && !Modifier.isFinal(member.getDeclaringClass().getModifiers());
    }

    private static List<Class<?>> classesIn(Type type, List<Class<?>> into) {
        if (type instanceof Class<?> c) {
            into.add(c.isArray() ? c.getComponentType() : c);
        } else if (type instanceof ParameterizedType p) {
            classesIn(p.getRawType(), into);
            for (Type a : p.getActualTypeArguments()) {
                classesIn(a, into);
            }
        } else if (type instanceof GenericArrayType a) {
            classesIn(a.getGenericComponentType(), into);
        } else if (type instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                classesIn(b, into);
            }
            for (Type b : w.getLowerBounds()) {
                classesIn(b, into);
            }
        } else if (type instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                classesIn(b, into);
            }
        }
        return into;
    }

    /** {@code ""} for the root package, {@code "format"} for {@code dev.externref.engine.format}; sub-packages count as their top package. */
    private static String packageOf(String qualified) {
        if (qualified.equals(ROOT)) {
            return "";
        }
        if (!qualified.startsWith(ROOT + ".")) {
            throw new IllegalArgumentException("not an engine package: " + qualified);
        }
        String rest = qualified.substring(ROOT.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    private static void check(String where, String from, String suffix, Set<String> violations) {
        String to = suffix.isEmpty() ? "" : packageOf(ROOT + suffix);
        if (to.equals(from)) {
            return;
        }
        Set<String> allowed = ALLOWED.get(from);
        if (allowed == null || !allowed.contains(to)) {
            violations.add(where + " uses " + ROOT + suffix + " (" + name(from) + " may use only "
                    + (allowed == null ? "(unknown package)" : allowed.stream().map(PackageLayersTest::name).sorted().toList()) + ")");
        }
    }

    private static String name(String layer) {
        return layer.isEmpty() ? ROOT : ROOT + "." + layer;
    }

    private static Path classesDirectory() {
        try {
            Path location = Path.of(ExternrefProcessor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isDirectory(location)) {
                throw new IllegalStateException("the engine's classes are not a directory: " + location);
            }
            return location;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The strings of a class file's constant pool that can name classes: class entries,
     * descriptors and signatures. String literals are left out (a message may mention a class).
     */
    static List<String> classNames(Path classFile) throws IOException {
        try (InputStream in = Files.newInputStream(classFile); DataInputStream data = new DataInputStream(in)) {
            if (data.readInt() != 0xCAFEBABE) {
                throw new IOException("not a class file: " + classFile);
            }
            data.readUnsignedShort();
            data.readUnsignedShort();
            int count = data.readUnsignedShort();
            String[] utf8 = new String[count];
            Set<Integer> literals = new HashSet<>();
            for (int i = 1; i < count; i++) {
                int tag = data.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = data.readUTF();
                    case 8 -> literals.add(data.readUnsignedShort());
                    case 7, 16, 19, 20 -> data.readUnsignedShort();
                    case 15 -> {
                        data.readUnsignedByte();
                        data.readUnsignedShort();
                    }
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> data.readInt();
                    case 5, 6 -> {
                        data.readLong();
                        i++;
                    }
                    default -> throw new IOException("constant pool tag " + tag + " at entry " + i + " of " + classFile);
                }
            }
            List<String> names = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                if (utf8[i] != null && !literals.contains(i)) {
                    names.add(utf8[i]);
                }
            }
            return names;
        }
    }
}
