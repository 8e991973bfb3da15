package io.github.neo4jbackup.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of the S3 server that injects network faults: it resets or
 * stalls the connection that carries a chosen byte of the client's (or the server's) stream,
 * resets every connection that sends more than N bytes without getting an answer, or answers the
 * next connections with an HTTP error itself. Loopback only; every thread is a daemon and stops
 * when the proxy is closed.
 */
final class FaultyTcpProxy implements AutoCloseable {

    private final int upstreamPort;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final AtomicLong downstreamBytes = new AtomicLong();
    private final ConcurrentLinkedQueue<Fault> upstreamFaults = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Fault> downstreamFaults = new ConcurrentLinkedQueue<>();
    private final AtomicInteger errorResponses = new AtomicInteger();
    private final AtomicInteger faultsInjected = new AtomicInteger();
    private volatile String errorResponse;
    private volatile long maxBytesPerRequest = Long.MAX_VALUE;
    private volatile boolean closed;

    private record Fault(long atByte, boolean stall) {
    }

    FaultyTcpProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket();
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::accept, "fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Resets the connection carrying client byte number {@code atByte} (counted from now on, over all connections). */
    FaultyTcpProxy resetUpstreamAt(long atByte) {
        upstreamFaults.add(new Fault(upstreamBytes.get() + atByte, false));
        return this;
    }

    /** Stops forwarding (both ways) on the connection carrying client byte {@code atByte}, keeping it open. */
    FaultyTcpProxy stallUpstreamAt(long atByte) {
        upstreamFaults.add(new Fault(upstreamBytes.get() + atByte, true));
        return this;
    }

    /** Resets the connection carrying server byte number {@code atByte} (counted from now on). */
    FaultyTcpProxy resetDownstreamAt(long atByte) {
        downstreamFaults.add(new Fault(downstreamBytes.get() + atByte, false));
        return this;
    }

    /** Resets every connection on which the client sends more than {@code bytes} without an answer in between. */
    FaultyTcpProxy resetRequestsLargerThan(long bytes) {
        maxBytesPerRequest = bytes;
        return this;
    }

    /**
     * Answers the next {@code count} new connections with this HTTP status and S3 error code
     * (after reading the request head) and closes them, then closes all open connections so the
     * client has to open new ones.
     */
    FaultyTcpProxy failNextConnections(int count, int status, String reason, String code) {
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>injected "
                + code + "</Message><RequestId>fault</RequestId></Error>";
        errorResponse = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/xml\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body;
        errorResponses.set(count);
        closeConnections();
        return this;
    }

    /** Removes every fault. */
    FaultyTcpProxy heal() {
        upstreamFaults.clear();
        downstreamFaults.clear();
        maxBytesPerRequest = Long.MAX_VALUE;
        errorResponses.set(0);
        return this;
    }

    /** How many faults were injected so far. */
    int faultsInjected() {
        return faultsInjected.get();
    }

    /** Closes every open connection (the client's pooled connections go stale). */
    void closeConnections() {
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            sockets.add(client);
            Thread t = new Thread(() -> serve(client), "fault-proxy-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    /** One proxied connection. */
    private final class Link {
        final Socket client;
        final Socket upstream;
        final AtomicLong sinceAnswer = new AtomicLong();
        volatile boolean stalled;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }
    }

    private void serve(Socket client) {
        try {
            if (errorResponses.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                answerWithError(client);
                return;
            }
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
            sockets.add(upstream);
            Link link = new Link(client, upstream);
            Thread down = new Thread(() -> pump(link, false), "fault-proxy-down");
            down.setDaemon(true);
            down.start();
            pump(link, true);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private void answerWithError(Socket client) throws IOException {
        faultsInjected.incrementAndGet();
        InputStream in = client.getInputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        client.getOutputStream().write(errorResponse.getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().flush();
        client.shutdownOutput();
        closeQuietly(client);
        sockets.remove(client);
    }

    private void pump(Link link, boolean upstreamDirection) {
        Socket from = upstreamDirection ? link.client : link.upstream;
        Socket to = upstreamDirection ? link.upstream : link.client;
        byte[] buffer = new byte[16 * 1024];
        AtomicLong counter = upstreamDirection ? upstreamBytes : downstreamBytes;
        ConcurrentLinkedQueue<Fault> faults = upstreamDirection ? upstreamFaults : downstreamFaults;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (!closed) {
                int n = in.read(buffer);
                if (n < 0) {
                    to.shutdownOutput();
                    return;
                }
                if (link.stalled) {
                    stall(link);
                    return;
                }
                long start = counter.getAndAdd(n);
                Fault fault = faults.peek();
                if (fault != null && fault.atByte() < start + n && faults.remove(fault)) {
                    faultsInjected.incrementAndGet();
                    int before = (int) Math.max(0, fault.atByte() - start);
                    out.write(buffer, 0, before);
                    out.flush();
                    if (fault.stall()) {
                        link.stalled = true;
                        stall(link);
                    } else {
                        reset(link.client, link.upstream);
                    }
                    return;
                }
                if (upstreamDirection) {
                    if (link.sinceAnswer.addAndGet(n) > maxBytesPerRequest) {
                        faultsInjected.incrementAndGet();
                        reset(link.client, link.upstream);
                        return;
                    }
                } else {
                    link.sinceAnswer.set(0);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            closeQuietly(link.client);
            closeQuietly(link.upstream);
        }
    }

    /**
     * Forwards nothing more on a connection: what the client sends is swallowed and it gets no
     * answer, until it gives up and closes the connection (or the proxy closes, or a minute passes).
     */
    private void stall(Link link) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        byte[] sink = new byte[16 * 1024];
        try {
            link.client.setSoTimeout(50);
            InputStream in = link.client.getInputStream();
            while (!closed && System.nanoTime() < deadline) {
                try {
                    if (in.read(sink) < 0) {
                        break; // the client closed the connection
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // still open
                }
            }
        } catch (IOException e) {
            // reset by the client
        }
        closeQuietly(link.client);
        closeQuietly(link.upstream);
    }

    private static void reset(Socket a, Socket b) {
        for (Socket s : new Socket[] {a, b}) {
            try {
                s.setSoLinger(true, 0); // RST instead of FIN
            } catch (IOException e) {
                // closing anyway
            }
            closeQuietly(s);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // best effort
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // best effort
        }
        closeConnections();
    }
}
