package io.rhei;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's key table is the one generated from the keys' definitions: no key undocumented, no stale default. */
class ReadmeConfigurationTest {
    @Test
    void theReadmeListsEveryKeyWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String start = "<!-- config-keys:start -->\n";
        int a = readme.indexOf(start);
        int b = readme.indexOf("<!-- config-keys:end -->");
        assertTrue(a >= 0 && b > a, "README.md has the config-keys markers");
        assertEquals(RheiConfig.markdownTable(), readme.substring(a + start.length(), b),
                "README.md's key table differs from the definitions: regenerate it with "
                        + "java -cp ... io.rhei.RheiConfig and paste it between the markers");
    }
}
