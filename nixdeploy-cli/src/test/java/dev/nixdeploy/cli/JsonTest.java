package dev.nixdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesNestedValuesInOrderAndEscapesStrings() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("z", 1);
    inner.put("a", List.of());
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("text", "a \"quote\", a \\ and\na line\u0001");
    doc.put("n", 12.5);
    doc.put("ok", true);
    doc.put("none", Optional.empty());
    doc.put("some", Optional.of("x"));
    doc.put("nothing", null);
    doc.put("inner", inner);
    doc.put("list", List.of(1, "two"));
    doc.put("empty", Map.of());

    assertThat(Json.write(doc)).isEqualTo("""
        {
          "text": "a \\"quote\\", a \\\\ and\\na line\\u0001",
          "n": 12.5,
          "ok": true,
          "none": null,
          "some": "x",
          "nothing": null,
          "inner": {
            "z": 1,
            "a": []
          },
          "list": [
            1,
            "two"
          ],
          "empty": {}
        }
        """);
  }
}
