import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the plugin's generated goal pages against its descriptor: plugin-info.html links every
 * goal, and each goal page documents every parameter a user can set, with its description, user
 * property and default as the descriptor has them.
 *
 * <pre>java scripts/SiteCheck.java PLUGIN_XML SITE_DIR</pre>
 */
public class SiteCheck {

    public static void main(String[] args) throws Exception {
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

    private static Element child(Element parent, String tag) {
        List<Element> all = children(parent, tag);
        return all.isEmpty() ? null : all.get(0);
    }

    private static List<Element> children(Element parent, String tag) {
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

    private static String text(Element parent, String tag) {
        Element e = child(parent, tag);
        return e == null ? null : e.getTextContent().trim();
    }
}
