import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.channels.Channel;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** Test backend: accepts on the socket inherited as fd 0 and answers each line with "echo:" + line. */
public class EchoBackend {
    public static void main(String[] args) throws Exception {
        Channel inherited = System.inheritedChannel();
        System.out.println("inherited " + (inherited == null ? "null" : inherited.getClass().getName()));
        ServerSocketChannel server = (ServerSocketChannel) inherited;
        System.out.println("local " + server.getLocalAddress());
        while (true) {
            try (SocketChannel client = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client),
                        StandardCharsets.UTF_8));
                PrintStream out = new PrintStream(Channels.newOutputStream(client), true, StandardCharsets.UTF_8);
                String line;
                while ((line = in.readLine()) != null) {
                    out.println("echo:" + line);
                }
            }
        }
    }
}
