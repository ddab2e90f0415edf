package io.strata.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 server on loopback that does, request after request, what the test scripted: answer and
 * keep the connection, answer and then close it, close it without answering, or never answer. It
 * records every request it read and on which connection, so a test can tell what a client sent and
 * how often. Each connection has a thread of its own.
 */
final class HttpScriptedServer implements AutoCloseable {
    /** What the server does with one request. */
    enum Step {
        ANSWER, ANSWER_THEN_CLOSE, CLOSE_WITHOUT_ANSWER, NEVER_ANSWER
    }

    /** A request as read: its method and target, and the number of the connection it came on (from 1). */
    record Request(String method, String target, int connection) {
    }

    private final ServerSocket socket;
    private final BlockingQueue<Step> script = new LinkedBlockingQueue<>();
    private final String answer;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();

    /** A server that answers 200 with {@code jsonAnswer}, or as {@link #script} says for the next requests. */
    HttpScriptedServer(String jsonAnswer) throws IOException {
        this.answer = jsonAnswer;
        this.socket = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("scripted-server").start(this::accept);
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    /** The next requests get these steps, in order; after them, {@link Step#ANSWER}. */
    void script(Step... steps) {
        script.addAll(List.of(steps));
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    int connectionsAccepted() {
        return accepted.get();
    }

    /** Connections this server has closed (or seen closed): their end of stream is on its way to the client. */
    int connectionsClosed() {
        return closed.get();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connections.add(connection);
                int number = accepted.incrementAndGet();
                Thread.ofPlatform().daemon().name("scripted-connection-" + number).start(() -> serve(connection, number));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket connection, int number) {
        try (connection) {
            InputStream in = connection.getInputStream();
            OutputStream out = connection.getOutputStream();
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                long contentLength = 0;
                String header;
                while (!(header = line(in)).isEmpty()) {
                    if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        contentLength = Long.parseLong(header.substring(header.indexOf(':') + 1).trim());
                    }
                }
                in.readNBytes((int) contentLength);
                String[] parts = requestLine.split(" ");
                requests.add(new Request(parts[0], parts[1], number));
                Step step = script.poll(0, TimeUnit.SECONDS);
                switch (step == null ? Step.ANSWER : step) {
                    case ANSWER -> answer(out);
                    case ANSWER_THEN_CLOSE -> {
                        answer(out);
                        return;
                    }
                    case CLOSE_WITHOUT_ANSWER -> {
                        return;
                    }
                    case NEVER_ANSWER -> in.read(); // until the client gives up and closes
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the connection ends
        } finally {
            closed.incrementAndGet();
        }
    }

    private void answer(OutputStream out) throws IOException {
        byte[] body = answer.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** One line without its CRLF; null at the end of the stream before any byte of it. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket connection : connections) {
            connection.close();
        }
    }
}
