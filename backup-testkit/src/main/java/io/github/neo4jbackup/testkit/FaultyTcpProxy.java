package io.github.neo4jbackup.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on the loopback interface that sits in front of a real server (Bolt, HTTP/S3, ...)
 * and injects network faults into the connections that pass through it. Plain JDK sockets, no
 * protocol knowledge except {@link #failNextConnections(int, int, String, String)}, which answers
 * with an HTTP error.
 *
 * <p>What it can do, each counted in {@link #faultsInjected()}:
 * <ul>
 *   <li>forward both ways (the default), counting the bytes ({@link #upstreamBytes()},
 *       {@link #downstreamBytes()});</li>
 *   <li>{@linkplain #cutAll() cut every open connection} with a TCP reset, or
 *       {@linkplain #closeConnections() close them} quietly;</li>
 *   <li>reset the connection that carries a chosen byte of the client's or the server's stream
 *       ({@link #resetUpstreamAt(long)}, {@link #resetDownstreamAt(long)}: drop after N bytes);</li>
 *   <li>stall: stop forwarding on the connection carrying a chosen byte
 *       ({@link #stallUpstreamAt(long)}) or on every connection ({@link #stallAll()}), keeping
 *       the connections open, until {@link #heal()};</li>
 *   <li>reset every connection on which the client sends more than N bytes without an answer
 *       ({@link #resetRequestsLargerThan(long)});</li>
 *   <li>answer the next connections itself with a canned response
 *       ({@link #answerNextConnections(int, byte[])}).</li>
 * </ul>
 * Every thread is a daemon and ends when the proxy is {@linkplain #close() closed}.
 *
 * <pre>{@code
 * try (FaultyTcpProxy proxy = new FaultyTcpProxy(serverPort)) {
 *     Driver driver = GraphDatabase.driver("bolt://127.0.0.1:" + proxy.port(), ...);
 *     proxy.resetDownstreamAt(1_000_000);   // the connection breaks after 1 MB more from the server
 * }
 * }</pre>
 */
public final class FaultyTcpProxy implements AutoCloseable {

    private static final long STALL_LIMIT_NANOS = 60_000_000_000L;

    private final int upstreamPort;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final AtomicLong downstreamBytes = new AtomicLong();
    private final ConcurrentLinkedQueue<Fault> upstreamFaults = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Fault> downstreamFaults = new ConcurrentLinkedQueue<>();
    private final AtomicInteger cannedResponses = new AtomicInteger();
    private final AtomicInteger faultsInjected = new AtomicInteger();
    private final AtomicInteger connectionsAccepted = new AtomicInteger();
    private volatile byte[] cannedResponse;
    private volatile long maxBytesPerRequest = Long.MAX_VALUE;
    private volatile boolean stallAll;
    private volatile boolean closed;

    private record Fault(long atByte, boolean stall) {
    }

    /**
     * Starts a proxy on a free loopback port forwarding to {@code upstreamPort} on the loopback
     * interface.
     *
     * @param upstreamPort the real server's port
     * @throws IOException when no port can be bound
     */
    public FaultyTcpProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket();
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::accept, "fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * The port clients connect to.
     *
     * @return the proxy's port on the loopback interface
     */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * Resets the connection carrying client byte number {@code atByte}, counted from now on over
     * all connections.
     *
     * @param atByte how many more client bytes pass before the reset
     * @return this proxy
     */
    public FaultyTcpProxy resetUpstreamAt(long atByte) {
        upstreamFaults.add(new Fault(upstreamBytes.get() + atByte, false));
        return this;
    }

    /**
     * Stops forwarding (both ways) on the connection carrying client byte {@code atByte}, keeping
     * it open: what the client sends is swallowed and it gets no answer, until it closes the
     * connection, the proxy closes or a minute passes.
     *
     * @param atByte how many more client bytes pass before the stall
     * @return this proxy
     */
    public FaultyTcpProxy stallUpstreamAt(long atByte) {
        upstreamFaults.add(new Fault(upstreamBytes.get() + atByte, true));
        return this;
    }

    /**
     * Resets the connection carrying server byte number {@code atByte}, counted from now on over
     * all connections: the client receives exactly {@code atByte} more bytes, then a reset.
     *
     * @param atByte how many more server bytes pass before the reset
     * @return this proxy
     */
    public FaultyTcpProxy resetDownstreamAt(long atByte) {
        downstreamFaults.add(new Fault(downstreamBytes.get() + atByte, false));
        return this;
    }

    /**
     * Resets every connection on which the client sends more than {@code bytes} without an answer
     * in between.
     *
     * @param bytes the largest request that passes
     * @return this proxy
     */
    public FaultyTcpProxy resetRequestsLargerThan(long bytes) {
        maxBytesPerRequest = bytes;
        return this;
    }

    /**
     * Stops forwarding on every connection, open now or opened later, in both directions, without
     * closing anything: data already read is held back, nothing is lost. {@link #heal()} resumes
     * forwarding. Counts as one fault.
     *
     * @return this proxy
     */
    public FaultyTcpProxy stallAll() {
        if (!stallAll) {
            stallAll = true;
            faultsInjected.incrementAndGet();
        }
        return this;
    }

    /**
     * Cuts every open connection with a TCP reset (both the client's and the server's side). New
     * connections are still accepted. Counts as one fault.
     *
     * @return this proxy
     */
    public FaultyTcpProxy cutAll() {
        faultsInjected.incrementAndGet();
        for (Link link : links) {
            reset(link.client, link.upstream);
        }
        for (Socket s : sockets) {
            reset(s, s);
        }
        return this;
    }

    /**
     * Answers the next {@code count} new connections with {@code response} (after reading the
     * client's first bytes) and closes them, then closes all open connections so the client has to
     * open new ones.
     *
     * @param count    how many connections to answer
     * @param response the bytes to send
     * @return this proxy
     */
    public FaultyTcpProxy answerNextConnections(int count, byte[] response) {
        cannedResponse = response.clone();
        cannedResponses.set(count);
        closeConnections();
        return this;
    }

    /**
     * Answers the next {@code count} new connections with this HTTP status and an S3-style XML
     * error with the given code (after reading the request head) and closes them, then closes all
     * open connections so the client has to open new ones.
     *
     * @param count  how many connections to answer
     * @param status the HTTP status
     * @param reason the HTTP reason phrase
     * @param code   the error code in the XML body
     * @return this proxy
     */
    public FaultyTcpProxy failNextConnections(int count, int status, String reason, String code) {
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>injected "
                + code + "</Message><RequestId>fault</RequestId></Error>";
        String response = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/xml\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body;
        return answerNextConnections(count, response.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Removes every pending fault and ends a {@link #stallAll()}: forwarding resumes.
     *
     * @return this proxy
     */
    public FaultyTcpProxy heal() {
        upstreamFaults.clear();
        downstreamFaults.clear();
        maxBytesPerRequest = Long.MAX_VALUE;
        cannedResponses.set(0);
        stallAll = false;
        return this;
    }

    /**
     * How many faults were injected so far.
     *
     * @return the count
     */
    public int faultsInjected() {
        return faultsInjected.get();
    }

    /**
     * How many bytes clients sent through the proxy so far.
     *
     * @return the count
     */
    public long upstreamBytes() {
        return upstreamBytes.get();
    }

    /**
     * How many bytes the server sent through the proxy so far.
     *
     * @return the count
     */
    public long downstreamBytes() {
        return downstreamBytes.get();
    }

    /**
     * How many connections the proxy accepted so far.
     *
     * @return the count
     */
    public int connectionsAccepted() {
        return connectionsAccepted.get();
    }

    /** Closes every open connection quietly (a client's pooled connections go stale). */
    public void closeConnections() {
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
            connectionsAccepted.incrementAndGet();
            sockets.add(client);
            Thread t = new Thread(() -> serve(client), "fault-proxy-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    /** One proxied connection. */
    private static final class Link {
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
            if (cannedResponses.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                answer(client);
                return;
            }
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
            sockets.add(upstream);
            Link link = new Link(client, upstream);
            links.add(link);
            Thread down = new Thread(() -> pump(link, false), "fault-proxy-down");
            down.setDaemon(true);
            down.start();
            pump(link, true);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private void answer(Socket client) throws IOException {
        faultsInjected.incrementAndGet();
        InputStream in = client.getInputStream();
        client.setSoTimeout(2000);
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        try {
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        } catch (SocketTimeoutException e) {
            // not a request with a head: answer anyway
        }
        client.getOutputStream().write(cannedResponse);
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
                holdWhileStalled();
                int n = in.read(buffer);
                if (n < 0) {
                    to.shutdownOutput();
                    return;
                }
                holdWhileStalled();
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
        } finally {
            if (link.client.isClosed() && link.upstream.isClosed()) {
                links.remove(link);
                sockets.remove(link.client);
                sockets.remove(link.upstream);
            }
        }
    }

    /** Waits while {@link #stallAll()} is in force. */
    private void holdWhileStalled() {
        while (stallAll && !closed) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Forwards nothing more on a connection: what the client sends is swallowed and it gets no
     * answer, until it gives up and closes the connection (or the proxy closes, or a minute passes).
     */
    private void stall(Link link) {
        long deadline = System.nanoTime() + STALL_LIMIT_NANOS;
        byte[] sink = new byte[16 * 1024];
        try {
            link.client.setSoTimeout(50);
            InputStream in = link.client.getInputStream();
            while (!closed && System.nanoTime() < deadline) {
                try {
                    if (in.read(sink) < 0) {
                        break; // the client closed the connection
                    }
                } catch (SocketTimeoutException e) {
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

    /** Stops accepting and closes every connection. Idempotent. */
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
