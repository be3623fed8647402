package io.gtm.dbwriter;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A TCP relay to the real PostgreSQL that a test can cut and restore, as a database restart would. */
final class TcpProxy {
  private final Vertx vertx;
  private final int port;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private NetServer server;

  TcpProxy(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
    this.client = vertx.createNetClient();
  }

  Future<Void> up() {
    server = vertx.createNetServer().connectHandler(front -> {
      front.pause();
      client.connect(5432, "127.0.0.1").onSuccess(back -> {
        sockets.add(front);
        sockets.add(back);
        front.pipeTo(back);
        back.pipeTo(front);
      }).onFailure(err -> front.close());
    });
    return server.listen(port, "127.0.0.1").mapEmpty();
  }

  /** Stops accepting and cuts every open connection. */
  Future<Void> down() {
    return server.close().compose(v -> {
      List<Future<Void>> closing = new ArrayList<>();
      sockets.forEach(s -> closing.add(s.close()));
      sockets.clear();
      return Future.join(closing).mapEmpty();
    });
  }
}
