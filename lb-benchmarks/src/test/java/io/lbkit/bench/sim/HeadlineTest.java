package io.lbkit.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The README's headline chart: how it is drawn, and that the committed one is whole. */
class HeadlineTest {
  private static final int BARS = Headline.SCENARIOS.size() * Headline.SERIES.size();

  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<String> texts(Document doc) {
    List<String> out = new ArrayList<>();
    NodeList nodes = doc.getElementsByTagNameNS("*", "text");
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add(nodes.item(i).getTextContent());
    }
    return out;
  }

  /** Background, one legend swatch per series, one bar per scenario and series. */
  private static void assertWhole(Document doc) {
    assertThat(doc.getElementsByTagNameNS("*", "rect").getLength())
        .isEqualTo(1 + Headline.SERIES.size() + BARS);
    List<String> texts = texts(doc);
    for (String[] series : Headline.SERIES) {
      assertThat(texts).contains(series[2]);
    }
    for (Map.Entry<Integer, String> scenario : Headline.SCENARIOS) {
      assertThat(texts).contains(scenario.getValue());
    }
    assertThat(texts).filteredOn(t -> t.endsWith("% ok")).hasSize(BARS);
  }

  @Test
  void groupedLogBarsDrawOneBarPerValueOnALogScale() throws Exception {
    String svg = Svg.groupedLogBars("t", "ms", List.of("a", "b"), List.of("x", "y"),
        new double[][] {{10, 1000}, {100, Double.NaN}},
        new String[][] {{"1", "2"}, {"3", "4"}});

    Document doc = parse(svg);

    // background + 2 swatches + 3 bars (the NaN draws none)
    assertThat(doc.getElementsByTagNameNS("*", "rect").getLength()).isEqualTo(6);
    assertThat(texts(doc)).contains("y: not run", "10", "100", "1000");
    // log scale: 100 ms sits half way between 10 and 1000
    NodeList rects = doc.getElementsByTagNameNS("*", "rect");
    double w10 = Double.parseDouble(((Element) rects.item(3)).getAttribute("width"));
    double w1000 = Double.parseDouble(((Element) rects.item(4)).getAttribute("width"));
    double w100 = Double.parseDouble(((Element) rects.item(5)).getAttribute("width"));
    assertThat(w10).isEqualTo(1.0); // the floor of the scale: a sliver, still visible
    assertThat(w100).isCloseTo(w1000 / 2, org.assertj.core.data.Offset.offset(0.1));
  }

  @Test
  void aRunHoldingEveryScenarioAndSeriesDrawsTheChartAndAPartialRunDoesNot() throws Exception {
    Map<Scenario, List<RunResult>> results = new LinkedHashMap<>();
    for (Map.Entry<Integer, String> e : Headline.SCENARIOS) {
      Scenario s = Scenarios.byNumber(e.getKey()).withDuration(2);
      List<RunResult> rs = new ArrayList<>();
      for (String[] series : Headline.SERIES) {
        rs.add(new Simulation(s, Catalog.variant(series[0], series[1], Headline.POLICY), 1)
            .run());
      }
      results.put(s, rs);
    }

    assertWhole(parse(Headline.chart(results)));
    results.values().iterator().next().remove(0);
    assertThat(Headline.chart(results)).isNull();
  }

  @Test
  void everySeriesRunsInEveryScenarioOfThePlan() {
    for (Map.Entry<Integer, String> e : Headline.SCENARIOS) {
      List<String> labels = new ArrayList<>();
      Catalog.plan(e.getKey()).variants().forEach(v -> labels.add(v.label()));
      for (String[] series : Headline.SERIES) {
        assertThat(labels).as("scenario " + e.getKey())
            .contains(series[0] + " / " + series[1] + " / " + Headline.POLICY);
      }
    }
  }

  @Test
  void theCommittedChartIsWholeAndTheReadmeShowsIt() throws Exception {
    Path root = SimulatorMain.repositoryRoot();
    Path chart = root.resolve("docs").resolve("simulation").resolve(Headline.FILE);

    assertWhole(parse(Files.readString(chart)));
    assertThat(Files.readString(root.resolve("README.md")))
        .contains("(docs/simulation/" + Headline.FILE + ")");
  }
}
