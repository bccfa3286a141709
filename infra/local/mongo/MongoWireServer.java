import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Tiny launcher for mongo-java-server, the MongoDB-wire fallback used by
 * infra/local/crm-infra when no real mongod is on PATH (FerretDB cannot be
 * fetched on our machines).
 *
 * Usage: java [-Dcrm.mongo.oplog=true] -cp 'libs/*:classes' MongoWireServer HOST PORT BACKEND [H2_FILE]
 *   BACKEND = h2     -> documents persisted in an H2 MVStore file (H2_FILE)
 *   BACKEND = memory -> everything lost when the process stops
 *   crm.mongo.oplog  -> enable the oplog so that change streams work
 *
 * It is not a MongoDB: no replica set, no transactions, partial aggregation
 * support. See crm-infra's header for the list of known gaps.
 */
public final class MongoWireServer {

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: MongoWireServer HOST PORT h2|memory [H2_FILE]");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String kind = args[2];

        MongoBackend backend;
        switch (kind) {
            case "memory":
                backend = new MemoryBackend();
                break;
            case "h2": {
                if (args.length < 4) {
                    System.err.println("h2 backend needs a file path");
                    System.exit(2);
                }
                Path file = Path.of(args[3]).toAbsolutePath();
                Files.createDirectories(file.getParent());
                backend = new H2Backend(file.toString());
                break;
            }
            default:
                System.err.println("unknown backend '" + kind + "' (expected h2 or memory)");
                System.exit(2);
                return;
        }

        MongoServer server = new MongoServer(backend);
        // Change streams (collection.watch()) need the server-side oplog.
        // Off by default: it records every write a second time.
        boolean oplog = Boolean.parseBoolean(System.getProperty("crm.mongo.oplog", "false"));
        if (oplog) {
            server.enableOplog();
        }
        server.bind(host, port);
        System.out.println("mongo-wire listening on " + host + ":" + port + " backend=" + kind
                + (args.length >= 4 && kind.equals("h2") ? " file=" + args[3] : "") + " oplog=" + oplog);

        // SIGTERM (crm-infra down) runs this hook: shutdown() closes client
        // connections and the backend, which makes H2 flush and close its file
        // cleanly instead of relying on MVStore's background auto-commit.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("mongo-wire shutting down");
            try {
                server.shutdown();
            } finally {
                stopped.countDown();
            }
        }, "mongo-wire-shutdown"));

        stopped.await();
    }
}
