package io.lbkit.zookeeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lbkit.Server;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.details.InstanceSerializer;

/**
 * Reads and writes Curator's instance JSON with the payload as a string map. Curator's own
 * {@code JsonInstanceSerializer} resolves the payload's {@code "@class"} (Spring Cloud Zookeeper
 * writes its {@code ZookeeperInstance} there), which fails when that class is not on our side;
 * reading the JSON as a tree takes any payload.
 */
final class InstanceCodec implements InstanceSerializer<Map<String, String>> {
  static final String WEIGHT = "weight";
  static final String ZONE = "zone";
  static final String PRIORITY = "priority";

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public byte[] serialize(ServiceInstance<Map<String, String>> instance) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("name", instance.getName());
    root.put("id", instance.getId());
    root.put("address", instance.getAddress());
    root.put("port", instance.getPort());
    root.putNull("sslPort");
    // Spring Cloud Zookeeper's layout: the free-form fields under payload.metadata
    ObjectNode payload = root.putObject("payload");
    payload.put("id", instance.getId());
    payload.put("name", instance.getName());
    ObjectNode metadata = payload.putObject("metadata");
    instance.getPayload().forEach(metadata::put);
    root.put("registrationTimeUTC", instance.getRegistrationTimeUTC());
    root.put("serviceType", instance.getServiceType().name());
    root.putNull("uriSpec");
    return JSON.writeValueAsBytes(root);
  }

  @Override
  public ServiceInstance<Map<String, String>> deserialize(byte[] bytes) throws IOException {
    JsonNode root = JSON.readTree(bytes);
    if (root == null || !root.isObject()) {
      throw new IOException("instance: not a JSON object");
    }
    Integer port = intOrNull(root.get("port"));
    Integer sslPort = intOrNull(root.get("sslPort"));
    String type = text(root.get("serviceType"));
    return new ServiceInstance<>(
        text(root.get("name")),
        text(root.get("id")),
        text(root.get("address")),
        port,
        sslPort,
        payloadFields(root.get("payload")),
        root.path("registrationTimeUTC").asLong(0),
        type == null ? ServiceType.DYNAMIC : ServiceType.valueOf(type),
        null);
  }

  /**
   * The server an instance describes: address and port (the SSL port when there is no plain
   * one); weight, zone and priority from the payload's fields of those names, the other fields as
   * metadata.
   *
   * @throws IllegalArgumentException if the instance has no address or port, or a field is not
   *     what the server expects
   */
  static Server toServer(ServiceInstance<Map<String, String>> instance) {
    Integer port = instance.getPort() != null ? instance.getPort() : instance.getSslPort();
    if (instance.getAddress() == null || port == null) {
      throw new IllegalArgumentException(
          "instance " + instance.getId() + ": no address or port (address "
              + instance.getAddress() + ", port " + port + ")");
    }
    Server.Builder b = Server.builder(instance.getAddress(), port);
    Map<String, String> fields = instance.getPayload() == null ? Map.of() : instance.getPayload();
    for (Map.Entry<String, String> e : fields.entrySet()) {
      switch (e.getKey()) {
        case WEIGHT -> b.weight(parseInt(instance, e));
        case PRIORITY -> b.priority(parseInt(instance, e));
        case ZONE -> b.zone(e.getValue());
        default -> b.metadata(e.getKey(), e.getValue());
      }
    }
    return b.build();
  }

  private static int parseInt(ServiceInstance<?> instance, Map.Entry<String, String> e) {
    try {
      return Integer.parseInt(e.getValue().trim());
    } catch (NumberFormatException x) {
      throw new IllegalArgumentException(
          "instance " + instance.getId() + ": payload field " + e.getKey() + ": \""
              + e.getValue() + "\" (expected: an integer)");
    }
  }

  /** Spring Cloud's payload keeps its fields under "metadata"; a plain map payload is flat. */
  private static Map<String, String> payloadFields(JsonNode payload) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (payload == null || !payload.isObject()) {
      return fields;
    }
    JsonNode metadata = payload.get("metadata");
    JsonNode source = metadata != null && metadata.isObject() ? metadata : payload;
    for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      // "@class" is Jackson's type tag, not a field; nested objects have no string form
      if (!e.getKey().startsWith("@") && e.getValue().isValueNode() && !e.getValue().isNull()) {
        fields.put(e.getKey(), e.getValue().asText());
      }
    }
    return fields;
  }

  private static Integer intOrNull(JsonNode n) {
    return n == null || n.isNull() ? null : n.asInt();
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }
}
