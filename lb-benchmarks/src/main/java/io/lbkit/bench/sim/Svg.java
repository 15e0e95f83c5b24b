package io.lbkit.bench.sim;

import java.util.List;
import java.util.Locale;

/**
 * Hand-written SVG charts (no dependency): a horizontal bar chart, grouped bars on a log scale
 * (the README's headline chart) and a multi-series line chart.
 * Output is plain SVG 1.1 with every text escaped, so it is well-formed XML.
 */
public final class Svg {
  static final int WIDTH = 820;
  private static final String[] COLORS = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
  };
  private static final String[] DASHES = {"", "6,3", "2,2", "8,3,2,3"};

  private Svg() {}

  /** One horizontal bar per label, longest scale at {@code max(values)}, value printed at the end. */
  public static String barChart(String title, List<String> labels, double[] values, String unit) {
    int left = 260;
    int right = 90;
    int top = 40;
    int row = 20;
    int height = top + row * labels.size() + 40;
    int plot = WIDTH - left - right;
    double max = 0;
    for (double v : values) {
      max = Math.max(max, v);
    }
    double scaleMax = niceCeiling(max);
    StringBuilder sb = open(height, title);
    double step = niceStep(scaleMax);
    for (double t = 0; t <= scaleMax + 1e-9; t += step) {
      double x = left + plot * t / scaleMax;
      line(sb, x, top - 4, x, top + row * labels.size(), "#ddd", "");
      text(sb, x, top + row * labels.size() + 14, "middle", 11, Report.num(t));
    }
    text(sb, left + plot / 2.0, height - 8, "middle", 12, unit);
    for (int i = 0; i < labels.size(); i++) {
      double y = top + row * i;
      double w = scaleMax == 0 ? 0 : plot * values[i] / scaleMax;
      sb.append(String.format(Locale.ROOT,
          "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
          left, y + 3, w, row - 6, COLORS[i % COLORS.length]));
      text(sb, left - 6, y + row - 6, "end", 12, labels.get(i));
      text(sb, left + w + 4, y + row - 6, "start", 11, Report.fixed(values[i], 1));
    }
    return sb.append("</svg>\n").toString();
  }

  /**
   * One polyline per series over x = 0, xStep, 2 xStep, ...; y from 0 to a nice ceiling of the
   * largest value (or {@code yMax} when > 0). The legend sits on the right.
   */
  public static String lineChart(String title, String xLabel, String yLabel, List<String> names,
      List<double[]> series, double xStep, double yMax) {
    int left = 60;
    int right = 230;
    int top = 40;
    int bottom = 50;
    int height = Math.max(380, top + 16 * series.size() + 20); // room for the legend
    int plotW = WIDTH - left - right;
    int plotH = height - top - bottom;
    int points = 0;
    double max = 0;
    for (double[] s : series) {
      points = Math.max(points, s.length);
      for (double v : s) {
        max = Math.max(max, v);
      }
    }
    double ceiling = yMax > 0 ? yMax : niceCeiling(max);
    double xMax = Math.max(xStep, points * xStep);
    StringBuilder sb = open(height, title);
    double yStep = niceStep(ceiling);
    for (double t = 0; t <= ceiling + 1e-9; t += yStep) {
      double y = top + plotH - plotH * t / ceiling;
      line(sb, left, y, left + plotW, y, "#ddd", "");
      text(sb, left - 6, y + 4, "end", 11, Report.num(t));
    }
    double xTick = niceStep(xMax);
    for (double t = 0; t <= xMax + 1e-9; t += xTick) {
      double x = left + plotW * t / xMax;
      line(sb, x, top + plotH, x, top + plotH + 4, "#444", "");
      text(sb, x, top + plotH + 16, "middle", 11, Report.num(t));
    }
    line(sb, left, top + plotH, left + plotW, top + plotH, "#444", "");
    line(sb, left, top, left, top + plotH, "#444", "");
    text(sb, left + plotW / 2.0, height - 12, "middle", 12, xLabel);
    sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" font-size=\"12\" "
        + "text-anchor=\"middle\" transform=\"rotate(-90 14 %.1f)\">%s</text>\n",
        top + plotH / 2.0, top + plotH / 2.0, escape(yLabel)));
    for (int k = 0; k < series.size(); k++) {
      double[] s = series.get(k);
      String color = COLORS[k % COLORS.length];
      String dash = DASHES[(k / COLORS.length) % DASHES.length];
      sb.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(color).append('"');
      if (!dash.isEmpty()) {
        sb.append(" stroke-dasharray=\"").append(dash).append('"');
      }
      sb.append(" points=\"");
      for (int i = 0; i < s.length; i++) {
        double x = left + plotW * ((i + 0.5) * xStep) / xMax;
        double y = top + plotH - plotH * Math.min(s[i], ceiling) / ceiling;
        sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      sb.append("\"/>\n");
      double ly = top + 8 + 16 * k;
      line(sb, left + plotW + 12, ly, left + plotW + 34, ly, color, dash);
      text(sb, left + plotW + 40, ly + 4, "start", 11, names.get(k));
    }
    return sb.append("</svg>\n").toString();
  }

  /**
   * Grouped horizontal bars on a log scale: one group per label in {@code groups}, one bar per
   * series in each (same colour per series, legend on top), bar length {@code values[g][k]} and
   * at its end that value and {@code notes[g][k]}. A missing value (NaN) draws no bar and says so.
   * The scale runs from 10^floor(log10(min)) to 10^ceil(log10(max)), so tails of 50 ms and of 1 s
   * both read.
   */
  public static String groupedLogBars(String title, String unit, List<String> groups,
      List<String> series, double[][] values, String[][] notes) {
    int left = 200;
    int right = 150;
    int top = 58;
    int bar = 13;
    int gap = 10;
    int groupHeight = bar * series.size() + gap;
    int height = top + groupHeight * groups.size() + 40;
    int plot = WIDTH - left - right;
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (double[] row : values) {
      for (double v : row) {
        if (v > 0) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    double lo = min == Double.POSITIVE_INFINITY ? 0 : Math.floor(Math.log10(min));
    double hi = max <= 0 ? 1 : Math.max(lo + 1, Math.ceil(Math.log10(max) - 1e-9));
    StringBuilder sb = open(height, title);
    double legendX = 20;
    for (int k = 0; k < series.size(); k++) {
      sb.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"32\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", legendX,
          COLORS[k % COLORS.length]));
      text(sb, legendX + 16, 42, "start", 11, series.get(k));
      legendX += 28 + 7 * series.get(k).length();
    }
    int bottom = top + groupHeight * groups.size() - gap;
    for (double e = lo; e <= hi + 1e-9; e++) {
      for (int m = 1; m < 10; m++) {
        double t = e + Math.log10(m);
        if (t > hi + 1e-9) {
          break;
        }
        double x = left + plot * (t - lo) / (hi - lo);
        line(sb, x, top - 4, x, bottom, m == 1 ? "#bbb" : "#eee", "");
        if (m == 1) {
          text(sb, x, bottom + 14, "middle", 11, Report.num(Math.pow(10, e)));
        }
      }
    }
    text(sb, left + plot / 2.0, height - 8, "middle", 12, unit);
    for (int g = 0; g < groups.size(); g++) {
      double y0 = top + groupHeight * g;
      text(sb, left - 8, y0 + bar * series.size() / 2.0 + 4, "end", 12, groups.get(g));
      for (int k = 0; k < series.size(); k++) {
        double y = y0 + bar * k;
        double v = values[g][k];
        if (!(v > 0)) {
          text(sb, left + 4, y + bar - 3, "start", 10, series.get(k) + ": not run");
          continue;
        }
        double w = Math.max(1, plot * (Math.log10(v) - lo) / (hi - lo));
        sb.append(String.format(Locale.ROOT,
            "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
            left, y + 1, w, bar - 2, COLORS[k % COLORS.length]));
        text(sb, left + w + 4, y + bar - 3, "start", 10,
            Report.fixed(v, 0) + (notes[g][k].isEmpty() ? "" : " · " + notes[g][k]));
      }
    }
    return sb.append("</svg>\n").toString();
  }

  private static StringBuilder open(int height, String title) {
    StringBuilder sb = new StringBuilder();
    sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
        + "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n",
        WIDTH, height, WIDTH, height));
    sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    text(sb, WIDTH / 2.0, 22, "middle", 14, title);
    return sb;
  }

  private static void line(StringBuilder sb, double x1, double y1, double x2, double y2,
      String color, String dash) {
    sb.append(String.format(Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"", x1, y1, x2, y2,
        color));
    if (!dash.isEmpty()) {
      sb.append(" stroke-dasharray=\"").append(dash).append('"');
    }
    sb.append("/>\n");
  }

  private static void text(StringBuilder sb, double x, double y, String anchor, int size,
      String s) {
    sb.append(String.format(Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\">", x, y, size, anchor))
        .append(escape(s)).append("</text>\n");
  }

  /** XML-escapes text content and attribute values. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&': sb.append("&amp;"); break;
        case '<': sb.append("&lt;"); break;
        case '>': sb.append("&gt;"); break;
        case '"': sb.append("&quot;"); break;
        case '\'': sb.append("&apos;"); break;
        default:
          if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
            sb.append(c);
          }
      }
    }
    return sb.toString();
  }

  /** A step of 1, 2, 2.5 or 5 x 10^k giving about five ticks up to {@code max}. */
  static double niceStep(double max) {
    if (!(max > 0)) {
      return 1;
    }
    double raw = max / 5;
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
  }

  /** The smallest multiple of {@link #niceStep} at or above {@code max}. */
  static double niceCeiling(double max) {
    if (!(max > 0)) {
      return 1;
    }
    double step = niceStep(max);
    return Math.ceil(max / step - 1e-9) * step;
  }
}
