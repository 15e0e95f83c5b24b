package io.lbkit.discovery;

import io.lbkit.Server;
import io.lbkit.internal.Checks;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@link FileSource}'s format (its class comment has the grammar). An unknown key is an
 * error rather than metadata, so that a typo ({@code wieght=3}) cannot pass silently; the first
 * bad line fails the whole file, naming the line: a half-valid file is not a list to act on.
 */
final class ServerFileFormat {
  private ServerFileFormat() {}

  static List<Server> parse(String text, String fileName) {
    List<Server> out = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      try {
        out.add(parseLine(line));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException(fileName + " line " + (i + 1) + ": " + e.getMessage(),
            e);
      }
    }
    return out;
  }

  private static Server parseLine(String line) {
    String[] fields = line.split("\\s+");
    String address = fields[0];
    int colon = address.lastIndexOf(':');
    boolean bracketed = address.startsWith("[");
    Checks.argument(colon > 0 && (!bracketed || address.charAt(colon - 1) == ']')
            && (bracketed || address.indexOf(':') == colon),
        "address", Checks.quote(address), "host:port, with an IPv6 host in brackets ([::1]:8080)");
    String host = address.substring(0, colon);
    Server.Builder b = Server.builder(host, number(address.substring(colon + 1), "port"));
    for (int f = 1; f < fields.length; f++) {
      String field = fields[f];
      int eq = field.indexOf('=');
      Checks.argument(eq > 0, "field", Checks.quote(field), "key=value");
      String key = field.substring(0, eq);
      String value = field.substring(eq + 1);
      switch (key) {
        case "weight":
          b.weight(number(value, "weight"));
          break;
        case "priority":
          b.priority(number(value, "priority"));
          break;
        case "zone":
          b.zone(value);
          break;
        case "id":
          b.id(value);
          break;
        default:
          Checks.argument(key.startsWith("meta.") && key.length() > 5, "key", Checks.quote(key),
              "weight, priority, zone, id or meta.NAME");
          b.metadata(key.substring(5), value);
      }
    }
    return b.build();
  }

  private static int number(String text, String name) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(Checks.describe(name, Checks.quote(text), "a number"));
    }
  }
}
