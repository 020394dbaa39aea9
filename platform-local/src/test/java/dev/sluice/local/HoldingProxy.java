package dev.sluice.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy for one HTTP exchange that holds the answer back: requests reach the target at once, and the target's
 * first answer is read in full but kept until {@link #release()}. It lets a test act in the moment after a service
 * has done its work and before its caller knows.
 */
final class HoldingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final CountDownLatch answerHeld = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean holding = true;
    private volatile boolean aborted;

    HoldingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "holding-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Waits until the target has answered and the answer is being held. */
    boolean awaitAnswerHeld(long seconds) throws InterruptedException {
        return answerHeld.await(seconds, TimeUnit.SECONDS);
    }

    /** Drops the held answer: its caller sees the connection closed. */
    void abort() {
        aborted = true;
        released.countDown();
    }

    /** Lets the held answer through; later exchanges pass straight through. */
    void release() {
        holding = false;
        released.countDown();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target;
                try {
                    target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                }
                catch (IOException targetDown) {
                    // As a proxy in front of a dead service does: the caller's connection is closed at once.
                    closeQuietly(client);
                    continue;
                }
                pump(client.getInputStream(), target.getOutputStream(), "request");
                Thread answer = new Thread(() -> answer(target, client), "holding-proxy-answer");
                answer.setDaemon(true);
                answer.start();
            }
            catch (IOException e) {
                return;
            }
        }
    }

    private void answer(Socket target, Socket client) {
        try {
            InputStream in = target.getInputStream();
            OutputStream out = client.getOutputStream();
            if (holding) {
                // Read until the target has been quiet for a moment: the whole answer is then buffered.
                ByteArrayOutputStream buffered = new ByteArrayOutputStream();
                target.setSoTimeout(300);
                byte[] chunk = new byte[8192];
                while (true) {
                    try {
                        int n = in.read(chunk);
                        if (n < 0) {
                            break;
                        }
                        buffered.write(chunk, 0, n);
                    }
                    catch (SocketTimeoutException quiet) {
                        if (buffered.size() > 0) {
                            break;
                        }
                    }
                }
                answerHeld.countDown();
                released.await();
                if (aborted) {
                    return;
                }
                out.write(buffered.toByteArray());
                out.flush();
                target.setSoTimeout(0);
            }
            in.transferTo(out);
        }
        catch (IOException | InterruptedException e) {
            // The target was killed, or the client went away: the exchange is over.
        }
        finally {
            closeQuietly(client);
            closeQuietly(target);
        }
    }

    private static void pump(InputStream in, OutputStream out, String name) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(out);
            }
            catch (IOException e) {
                // connection closed
            }
        }, "holding-proxy-" + name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        }
        catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        release();
        server.close();
    }
}
