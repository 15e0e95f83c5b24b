package io.lbkit.consumer.classpath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * This project imports lbkit-bom and nothing else into its dependencyManagement (see the
 * lb-consumer POM). Its effective POM, written by the help plugin before the tests run, must
 * manage exactly the ten published lbkit artifacts: importing the BOM pins no test library, no
 * benchmark library and no SLF4J binding in a user's build.
 */
class BomImportTest {

  @Test
  void importingTheBomManagesEveryPublishedArtifactAndNothingElse() throws Exception {
    String version = System.getProperty("lbkit.version");
    assertEquals(List.of(
            "io.lbkit:lb-core:" + version,
            "io.lbkit:lb-testing:" + version,
            "io.lbkit:lb-strategies:" + version,
            "io.lbkit:lb-health:" + version,
            "io.lbkit:lb-discovery:" + version,
            "io.lbkit:lb-zookeeper:" + version,
            "io.lbkit:lb-http:" + version,
            "io.lbkit:lb-okhttp:" + version,
            "io.lbkit:lb-kubernetes:" + version,
            "io.lbkit:lb-grpc:" + version,
            "io.lbkit:lb-micrometer:" + version,
            "io.lbkit:lb-server:" + version),
        managed(new File(System.getProperty("effective.pom"))));
  }

  /** groupId:artifactId:version of every dependencyManagement entry, in order. */
  private static List<String> managed(File effectivePom) throws Exception {
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(effectivePom);
    List<String> out = new ArrayList<>();
    NodeList sections = doc.getElementsByTagName("dependencyManagement");
    for (int i = 0; i < sections.getLength(); i++) {
      NodeList deps = ((Element) sections.item(i)).getElementsByTagName("dependency");
      for (int j = 0; j < deps.getLength(); j++) {
        Element d = (Element) deps.item(j);
        out.add(text(d, "groupId") + ":" + text(d, "artifactId") + ":" + text(d, "version"));
      }
    }
    return out;
  }

  private static String text(Element e, String child) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(child)) {
        return c.getTextContent().trim();
      }
    }
    return "";
  }
}
