// A MongoDB-protocol server for tests, CI and the embedded `npm start` (no MongoDB server package
// exists for these machines; see /work/shared/reference/mongodb-in-ci.md). Run without a compile step:
//   java -cp "$(cat classpath.txt)" scripts/mongo/Launcher.java <host> <port> [<h2-file>]
// With an H2 file the data survives restarts (and kill -9); without one it lives in memory.
// Port 0 binds a free port chosen by the kernel; the "listening on" line names the real one.

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.io.File;
import java.net.InetSocketAddress;
import java.util.List;

public class Launcher {
    // mongo-java-server reports wire version 8 (MongoDB 4.2) by default, and the Node driver 7.6+
    // (mongoose 9.10+) refuses anything below 9. Its backend accepts any version, so claim 4.4.
    private static final MongoVersion MONGO_4_4 = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
            return 9;
        }
    };

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: Launcher <host> <port> [<h2-data-file>]");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);

        MongoBackend backend;
        if (args.length == 3) {
            File file = new File(args[2]).getAbsoluteFile();
            File dir = file.getParentFile();
            if (dir != null && !dir.isDirectory() && !dir.mkdirs()) {
                throw new IllegalStateException("cannot create data directory " + dir);
            }
            backend = new H2Backend(file.getPath());
        } else {
            backend = new MemoryBackend();
        }
        backend.version(MONGO_4_4);

        MongoServer server = new MongoServer(backend);
        server.bind(host, port);
        // shutdownNow also closes the backend, which flushes the H2 store on SIGTERM/SIGINT.
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "mongo-shutdown"));

        InetSocketAddress address = server.getLocalAddress();
        System.out.println("docmill-mongo listening on " + address.getHostString() + ":" + address.getPort()
                + (args.length == 3 ? " (h2 " + args[2] + ")" : " (memory)"));
        System.out.flush();

        // The server runs on netty threads; park main so the JVM lives until a signal arrives.
        Thread.currentThread().join();
    }
}
