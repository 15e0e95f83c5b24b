package io.lbkit.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SvgTest {

  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void barChartIsWellFormedSvgWithOneBarPerLabelAndEscapedText() throws Exception {
    String svg = Svg.barChart("p99 <by> \"strategy\" & mode",
        List.of("roundRobin single", "a<b & c>d"), new double[] {12.5, 250}, "ms");

    Document doc = parse(svg);

    assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
    assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
    // one background rect + one bar per label
    assertThat(doc.getElementsByTagNameNS("*", "rect").getLength()).isEqualTo(3);
    assertThat(svg).contains("a&lt;b &amp; c&gt;d").contains("&quot;strategy&quot;");
  }

  @Test
  void lineChartIsWellFormedSvgWithOnePolylinePerSeries() throws Exception {
    String svg = Svg.lineChart("share", "time (s)", "share (%)",
        List.of("x", "y", "z"),
        List.of(new double[] {0, 20, 40}, new double[] {10, 10, 10}, new double[] {5, 50, 150}),
        1.0, 100);

    Document doc = parse(svg);

    assertThat(doc.getElementsByTagNameNS("*", "polyline").getLength()).isEqualTo(3);
    // values above the ceiling are clipped to the top of the plot, never drawn outside it
    assertThat(svg).doesNotContain(",-");
  }

  @Test
  void chartsOfARealRunAreWellFormed() throws Exception {
    Scenario s = Scenarios.flapping().withDuration(45);
    List<RunResult> rs = List.of(
        new Simulation(s, Catalog.variant("roundRobin", "load", "failFast"), 1).run(),
        new Simulation(s, Catalog.variant("random", "load", "retry3"), 1).run());

    Document bars = parse(ReportWriter.p99Chart(s, rs));
    Document lines = parse(ReportWriter.overTimeChart(s, rs));

    assertThat(bars.getElementsByTagNameNS("*", "rect").getLength()).isEqualTo(3);
    assertThat(lines.getElementsByTagNameNS("*", "polyline").getLength()).isEqualTo(2);
  }

  @Test
  void niceScaleStepsAreOneTwoTwoAndAHalfOrFiveTimesAPowerOfTen() {
    assertThat(Svg.niceStep(1000)).isEqualTo(200);
    assertThat(Svg.niceStep(120)).isEqualTo(25);
    assertThat(Svg.niceCeiling(1036.2)).isEqualTo(1250);
    assertThat(Svg.niceCeiling(0)).isEqualTo(1);
  }
}
