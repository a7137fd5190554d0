package dev.externref.maven;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The shipped {@code maven-build-cache-config.xml} keeps up with the goal: every parameter a user
 * can set as a {@code -Dexternref.*} property, which the build cache does not see in the POM, is
 * reconciled, so that changing it builds again instead of restoring the old output.
 */
class BuildCacheConfigTest {
    /** User-property parameters that do not change what is written. */
    private static final Set<String> NOT_OUTPUT_RELEVANT = Set.of("failIfNoModules");

    private static final Path CONFIG = Path.of("src/main/build-cache/maven-build-cache-config.xml");

    @Test
    void everyOutputRelevantUserPropertyIsReconciled() throws Exception {
        Set<String> expected = userPropertyParameters("process");
        expected.removeAll(NOT_OUTPUT_RELEVANT);

        Set<String> reconciled = new TreeSet<>();
        Document config = parse(Files.newInputStream(CONFIG));
        NodeList plugins = config.getElementsByTagNameNS("*", "plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if (plugin.getAttribute("artifactId").equals("externref-maven-plugin")
                    && plugin.getAttribute("goal").equals("process")) {
                NodeList reconciles = plugin.getElementsByTagNameNS("*", "reconcile");
                for (int j = 0; j < reconciles.getLength(); j++) {
                    reconciled.add(((Element) reconciles.item(j)).getAttribute("propertyName"));
                }
            }
        }
        assertEquals(expected, reconciled, "reconcile in " + CONFIG + " against the process goal's user-property"
                + " parameters (add a new one there, or to NOT_OUTPUT_RELEVANT if it cannot change the output)");
    }

    /** Parameters of the goal that have a user property, from the generated plugin descriptor. */
    private static Set<String> userPropertyParameters(String goal) throws Exception {
        InputStream descriptor = BuildCacheConfigTest.class.getResourceAsStream("/META-INF/maven/plugin.xml");
        assertNotNull(descriptor, "plugin descriptor on the test class path");
        Document plugin = parse(descriptor);
        NodeList mojos = plugin.getElementsByTagName("mojo");
        for (int i = 0; i < mojos.getLength(); i++) {
            Element mojo = (Element) mojos.item(i);
            if (!child(mojo, "goal").getTextContent().equals(goal)) {
                continue;
            }
            Set<String> names = new TreeSet<>();
            NodeList parameters = child(mojo, "configuration").getChildNodes();
            for (int j = 0; j < parameters.getLength(); j++) {
                Node p = parameters.item(j);
                if (p instanceof Element e && e.getTextContent().startsWith("${externref.")) {
                    names.add(e.getTagName());
                }
            }
            return names;
        }
        throw new AssertionError("no goal " + goal + " in the plugin descriptor");
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no <" + name + "> in <" + parent.getTagName() + ">");
    }

    private static Document parse(InputStream in) throws Exception {
        try (in) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().parse(in);
        }
    }
}
