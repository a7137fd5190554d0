import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * CI checks of what the build produces, run as single-file programs:
 * {@code java scripts/BuildCheck.java release ...} (scripts/release-check.sh) and
 * {@code java scripts/BuildCheck.java site ...} (scripts/site-check.sh). Each prints one line per
 * problem and exits with 1 if there is any.
 */
public class BuildCheck {

    public static void main(String[] args) throws Exception {
        String check = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : java.util.Arrays.copyOfRange(args, 1, args.length);
        switch (check) {
            case "release" -> ReleaseCheck.main(rest);
            case "site" -> SiteCheck.main(rest);
            default -> {
                System.err.println("usage: java scripts/BuildCheck.java release ROOT_DIR LOCAL_REPOSITORY | site PLUGIN_XML SITE_DIR");
                System.exit(2);
            }
        }
    }

    /**
     * Checks what a release build installed into a local repository against what Maven Central
     * validates, for every published module of the reactor.
     *
     * <pre>java scripts/BuildCheck.java release ROOT_DIR LOCAL_REPOSITORY</pre>
     *
     * <p>The modules are found from the root pom's {@code <modules>} (its profiles' included), so a
     * new module is covered without touching this file. A module is published unless its pom sets
     * {@code maven.deploy.skip} to true; an unpublished one must also be excluded from the Central
     * upload (the release profile's {@code excludeArtifacts}). For each published module: the pom;
     * unless it is a pom-packaged module, the jar, the sources jar (with {@code .java} files) and the
     * javadoc jar (with {@code index.html}); a {@code name} and {@code description} of its own; and
     * {@code url}, {@code licenses}, {@code developers} and {@code scm}, in its pom or inherited from
     * an installed parent. Prints one line per problem and exits with 1 if there is any.
     */
    static final class ReleaseCheck {

        private final List<String> problems = new ArrayList<>();
        private final Path repository;

        private ReleaseCheck(Path repository) {
            this.repository = repository;
        }

        static void main(String[] args) throws Exception {
            if (args.length != 2) {
                System.err.println("usage: java scripts/BuildCheck.java release ROOT_DIR LOCAL_REPOSITORY");
                System.exit(2);
            }
            Path root = Path.of(args[0]);
            ReleaseCheck check = new ReleaseCheck(Path.of(args[1]));
            List<Path> modules = new ArrayList<>();
            collectModules(root, modules);
            Set<String> excluded = centralExclusions(parse(root.resolve("pom.xml")));
            int published = 0;
            for (Path dir : modules) {
                Module m = Module.read(dir);
                if (m.unpublished) {
                    if (!excluded.contains(m.artifactId)) {
                        check.problems.add(m.artifactId + ": sets maven.deploy.skip but is not in the release profile's excludeArtifacts");
                    }
                    System.out.println("not published: " + m.artifactId);
                    continue;
                }
                if (excluded.contains(m.artifactId)) {
                    check.problems.add(m.artifactId + ": in excludeArtifacts but does not set maven.deploy.skip");
                }
                check.checkPublished(m);
                published++;
            }
            if (published == 0) {
                check.problems.add("no published module found under " + root);
            }
            if (!check.problems.isEmpty()) {
                check.problems.forEach(p -> System.out.println("RELEASE CHECK FAILED: " + p));
                System.exit(1);
            }
            System.out.println("release check: " + published + " published modules complete");
        }

        private void checkPublished(Module m) throws Exception {
            Path dir = repository.resolve(m.groupId.replace('.', '/')).resolve(m.artifactId).resolve(m.version);
            String base = m.artifactId + "-" + m.version;
            Path pom = dir.resolve(base + ".pom");
            if (!Files.isRegularFile(pom)) {
                problems.add(m.artifactId + ": " + pom + " not installed");
                return;
            }
            List<String> found = new ArrayList<>(List.of("pom"));
            if (!m.packaging.equals("pom")) {
                requireJar(m, dir.resolve(base + ".jar"), ".class");
                requireJar(m, dir.resolve(base + "-sources.jar"), ".java");
                requireJar(m, dir.resolve(base + "-javadoc.jar"), "index.html");
                found.addAll(List.of("jar", "sources", "javadoc"));
            }
            Element project = parse(pom).getDocumentElement();
            requireOwn(m, project, "name");
            requireOwn(m, project, "description");
            Element parentPom = parentOf(project);
            String description = text(project, "description");
            if (parentPom != null && description != null && description.equals(text(parentPom, "description"))) {
                problems.add(m.artifactId + ": description is the parent's, not one of its own");
            }
            requireInherited(m, project, "url", e -> !e.getTextContent().isBlank());
            requireInherited(m, project, "licenses", e -> hasChildWith(e, "license", "name", "url"));
            requireInherited(m, project, "developers", e -> hasChildWith(e, "developer", "name"));
            requireInherited(m, project, "scm", e -> text(e, "url") != null && text(e, "connection") != null);
            System.out.println("checked: " + m.artifactId + " (" + String.join(", ", found) + "; metadata)");
        }

        private void requireJar(Module m, Path jar, String entrySuffix) {
            if (!Files.isRegularFile(jar)) {
                problems.add(m.artifactId + ": " + jar.getFileName() + " not installed");
                return;
            }
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                if (zip.stream().noneMatch(e -> e.getName().endsWith(entrySuffix))) {
                    problems.add(m.artifactId + ": " + jar.getFileName() + " holds no " + entrySuffix);
                }
            } catch (IOException e) {
                problems.add(m.artifactId + ": " + jar.getFileName() + " is not a jar: " + e.getMessage());
            }
        }

        private void requireOwn(Module m, Element project, String tag) {
            String value = text(project, tag);
            if (value == null || value.isBlank()) {
                problems.add(m.artifactId + ": no <" + tag + "> of its own");
            }
        }

        /** The element in the pom or, as Maven inherits it, in the nearest installed parent that has one. */
        private void requireInherited(Module m, Element project, String tag, java.util.function.Predicate<Element> complete) throws Exception {
            for (Element pom = project; pom != null; pom = parentOf(pom)) {
                Element e = child(pom, tag);
                if (e != null) {
                    if (!complete.test(e)) {
                        problems.add(m.artifactId + ": <" + tag + "> is incomplete");
                    }
                    return;
                }
            }
            problems.add(m.artifactId + ": no <" + tag + ">, neither its own nor inherited");
        }

        private Element parentOf(Element project) throws Exception {
            Element parent = child(project, "parent");
            if (parent == null) {
                return null;
            }
            Path pom = repository.resolve(text(parent, "groupId").replace('.', '/')).resolve(text(parent, "artifactId"))
                    .resolve(text(parent, "version")).resolve(text(parent, "artifactId") + "-" + text(parent, "version") + ".pom");
            if (!Files.isRegularFile(pom)) {
                problems.add("parent pom " + pom + " not installed");
                return null;
            }
            return parse(pom).getDocumentElement();
        }

        /** A module as its pom in the source tree declares it. */
        private record Module(String groupId, String artifactId, String version, String packaging, boolean unpublished) {
            static Module read(Path dir) throws Exception {
                Element project = parse(dir.resolve("pom.xml")).getDocumentElement();
                Element parent = child(project, "parent");
                String groupId = text(project, "groupId") != null ? text(project, "groupId") : text(parent, "groupId");
                String version = text(project, "version") != null ? text(project, "version") : text(parent, "version");
                String packaging = text(project, "packaging") != null ? text(project, "packaging") : "jar";
                Element properties = child(project, "properties");
                boolean unpublished = properties != null && "true".equals(text(properties, "maven.deploy.skip"));
                return new Module(groupId, text(project, "artifactId"), version, packaging, unpublished);
            }
        }

        private static void collectModules(Path dir, List<Path> out) throws Exception {
            out.add(dir);
            Element project = parse(dir.resolve("pom.xml")).getDocumentElement();
            Set<String> names = new LinkedHashSet<>(moduleNames(project));
            Element profiles = child(project, "profiles");
            if (profiles != null) {
                for (Element profile : children(profiles, "profile")) {
                    names.addAll(moduleNames(profile));
                }
            }
            for (String name : names) {
                collectModules(dir.resolve(name).normalize(), out);
            }
        }

        private static List<String> moduleNames(Element holder) {
            Element modules = child(holder, "modules");
            List<String> names = new ArrayList<>();
            if (modules != null) {
                children(modules, "module").forEach(e -> names.add(e.getTextContent().trim()));
            }
            return names;
        }

        /** The artifactIds the release profile keeps out of the Central upload. */
        private static Set<String> centralExclusions(Document rootPom) {
            Set<String> ids = new LinkedHashSet<>();
            var plugins = rootPom.getElementsByTagName("plugin");
            for (int i = 0; i < plugins.getLength(); i++) {
                Element plugin = (Element) plugins.item(i);
                if ("central-publishing-maven-plugin".equals(text(plugin, "artifactId"))) {
                    var artifacts = plugin.getElementsByTagName("excludeArtifacts");
                    for (int j = 0; j < artifacts.getLength(); j++) {
                        children((Element) artifacts.item(j), "artifact").forEach(e -> ids.add(e.getTextContent().trim()));
                    }
                }
            }
            return ids;
        }

        private static boolean hasChildWith(Element list, String tag, String... required) {
            for (Element item : children(list, tag)) {
                boolean complete = true;
                for (String r : required) {
                    complete &= text(item, r) != null && !text(item, r).isBlank();
                }
                if (complete) {
                    return true;
                }
            }
            return false;
        }

        private static Document parse(Path file) throws Exception {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            return factory.newDocumentBuilder().parse(file.toFile());
        }



    }

    /**
     * Checks the plugin's generated goal pages against its descriptor: plugin-info.html links every
     * goal, and each goal page documents every parameter a user can set, with its description, user
     * property and default as the descriptor has them.
     *
     * <pre>java scripts/BuildCheck.java site PLUGIN_XML SITE_DIR</pre>
     */
    static final class SiteCheck {

        static void main(String[] args) throws Exception {
            Element plugin = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(Path.of(args[0]).toFile()).getDocumentElement();
            Path site = Path.of(args[1]);
            List<String> problems = new ArrayList<>();
            Path infoPage = site.resolve("plugin-info.html");
            String info = Files.isRegularFile(infoPage) ? Files.readString(infoPage) : "";
            if (info.isEmpty()) {
                problems.add(infoPage + " was not generated");
            }
            int checked = 0;
            for (Element mojo : children(child(plugin, "mojos"), "mojo")) {
                String goal = text(mojo, "goal");
                String pageName = goal + "-mojo.html";
                if (!info.matches("(?s).*href=\"(\\./)?" + pageName + "\".*")) {
                    problems.add("plugin-info.html does not link " + pageName);
                }
                String page = read(site.resolve(pageName), problems);
                int details = page.indexOf("Parameter Details");
                String detail = details < 0 ? "" : page.substring(details);
                List<Element> parameters = children(child(mojo, "parameters"), "parameter");
                Element configuration = child(mojo, "configuration");
                for (Element p : parameters) {
                    if (!"true".equals(text(p, "editable"))) {
                        continue;
                    }
                    String name = text(p, "name");
                    int at = detail.indexOf("<" + name + ">");
                    if (at < 0) {
                        problems.add(pageName + ": no details of <" + name + ">");
                        continue;
                    }
                    int next = detail.indexOf("\n<", at + 1);
                    String block = detail.substring(at, next < 0 ? detail.length() : next);
                    String description = text(p, "description");
                    if (description == null || description.isBlank()) {
                        problems.add(pageName + ": <" + name + "> has no description");
                    }
                    Element config = child(configuration, name);
                    String expression = config == null ? null : config.getTextContent().trim();
                    if (expression != null && expression.startsWith("${") && expression.endsWith("}")) {
                        String property = expression.substring(2, expression.length() - 1);
                        if (!block.contains("User Property: " + property)) {
                            problems.add(pageName + ": <" + name + "> does not show user property " + property);
                        }
                    }
                    String defaultValue = config == null ? "" : config.getAttribute("default-value");
                    if (!defaultValue.isEmpty() && !block.contains("Default: " + defaultValue)) {
                        problems.add(pageName + ": <" + name + "> does not show default " + defaultValue);
                    }
                    checked++;
                }
            }
            if (checked == 0) {
                problems.add("no parameter checked");
            }
            if (!problems.isEmpty()) {
                problems.forEach(p -> System.out.println("SITE CHECK FAILED: " + p));
                System.exit(1);
            }
            System.out.println("site check: " + checked + " parameters documented in " + site);
        }

        /** The page as text: tags dropped, entities decoded, one element start per line. */
        private static String read(Path page, List<String> problems) throws Exception {
            if (!Files.isRegularFile(page)) {
                problems.add(page + " was not generated");
                return "";
            }
            String html = Files.readString(page)
                    .replaceAll("(?s)<script.*?</script>", "")
                    .replaceAll("(?i)<(h[1-6]|tr|p|div|table)\\b", "\n$0");
            String text = html.replaceAll("<[^>]+>", " ")
                    .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                    .replace("&nbsp;", " ").replace("&amp;", "&");
            return text.replaceAll("[ \\t]+", " ").replaceAll(" ?: ", ": ").replaceAll("\\n[ \\n]*", "\n");
        }



    }

    static Element child(Element parent, String tag) {
        List<Element> all = children(parent, tag);
        return all.isEmpty() ? null : all.get(0);
    }

    static List<Element> children(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        if (parent != null) {
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals(tag)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    static String text(Element parent, String tag) {
        Element e = child(parent, tag);
        return e == null ? null : e.getTextContent().trim();
    }
}
