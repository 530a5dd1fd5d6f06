// Writes compression-java520.json (its argument): bodies compressed by the Apache RocketMQ 5.2.0 compressors (rocketmq-common
// CompressorFactory: lz4-java LZ4FrameOutputStream, zstd-jni ZstdOutputStream, java.util.zip Deflater). With an
// argument --check (and a JSON file of {"type","level","input","bodyBase64"} made by RocketNest) it instead decompresses each body
// with the same Java compressors and prints whether it equals the input. Run with the 5.2.0 distribution classpath:
//   java -cp "$(/tmp/peers/bin/rmq520.sh cp)" GenCompressionFixtures.java compression-java520.json
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.rocketmq.common.compression.CompressionType;
import org.apache.rocketmq.common.compression.CompressorFactory;

public class GenCompressionFixtures {
    static byte[] text(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append("line ").append(i).append(" of the RocketNest lz4 fixture\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] noise(int n) {
        byte[] b = new byte[n];
        int s = 12345;
        for (int i = 0; i < n; i++) {
            s = s * 1103515245 + 12345;
            b[i] = (byte) (s >>> 24);
        }
        return b;
    }

    static byte[] input(String name) {
        switch (name) {
            case "text300": return text(300);
            case "text2500": return text(2500);
            case "noise66000": return noise(66000);
            case "runs": return new byte[100000];
            case "empty": return new byte[0];
            default: throw new IllegalArgumentException(name);
        }
    }

    static String sha256(byte[] b) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (byte x : MessageDigest.getInstance("SHA-256").digest(b)) sb.append(String.format("%02x", x));
        return sb.toString();
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 1 && args[0].equals("--check")) {
            String json = Files.readString(Path.of(args[1]));
            Matcher m = Pattern.compile("\\{\"type\":\"(\\w+)\",\"level\":(-?\\d+),\"input\":\"(\\w+)\",\"bodyBase64\":\"([^\"]*)\"\\}").matcher(json);
            while (m.find()) {
                byte[] body = Base64.getDecoder().decode(m.group(4));
                byte[] out = CompressorFactory.getCompressor(CompressionType.of(m.group(1))).decompress(body);
                System.out.println(m.group(1) + " level " + m.group(2) + " " + m.group(3) + ": "
                    + (java.util.Arrays.equals(out, input(m.group(3))) ? "OK" : "MISMATCH") + " (" + out.length + " bytes)");
            }
            return;
        }
        String[] inputs = {"text300", "text2500", "noise66000", "runs", "empty"};
        List<String> rows = new ArrayList<>();
        for (String type : new String[] {"LZ4", "ZSTD", "ZLIB"}) {
            for (int level : new int[] {5, 1, 9}) {
                for (String name : level == 5 ? inputs : new String[] {"text2500"}) {
                    byte[] in = input(name);
                    byte[] body = CompressorFactory.getCompressor(CompressionType.of(type)).compress(in, level);
                    rows.add("  {\"type\": \"" + type + "\", \"typeValue\": " + CompressionType.of(type).getValue()
                        + ", \"level\": " + level + ", \"input\": \"" + name + "\", \"inputLength\": " + in.length
                        + ", \"inputSha256\": \"" + sha256(in) + "\", \"bodyBase64\": \""
                        + Base64.getEncoder().encodeToString(body) + "\"}");
                }
                if (type.equals("LZ4")) break; // Lz4Compressor ignores the level
            }
        }
        Files.writeString(Path.of(args[0]), "{\n \"note\": \"" + System.getProperty("java.version") + "; rocketmq-common 5.2.0 CompressorFactory\",\n \"bodies\": [\n"
            + String.join(",\n", rows) + "\n ]\n}\n");
    }
}
