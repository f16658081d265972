package io.rhei.server.pg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * SCRAM-SHA-256 password authentication (RFC 5802 and 7677, as PostgreSQL speaks it over SASL messages): the
 * password never crosses the wire, and the client checks the server knew it too. Channel binding is not offered
 * (no TLS here). A wrong user or password fails after the full exchange, with PostgreSQL's message.
 */
final class Authentication {
    static final String MECHANISM = "SCRAM-SHA-256";
    private static final int ITERATIONS = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What to send after a client message, and whether authentication ended (failure: why, else null). */
    record Step(List<ByteBuf> messages, boolean done, String failure) {
    }

    private final PgWireServer.Auth auth;
    private final String user;
    private final byte[] salt = new byte[16];
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private String gs2Header;

    private Authentication(PgWireServer.Auth auth, String user) {
        this.auth = auth;
        this.user = user;
        RANDOM.nextBytes(salt);
    }

    static Authentication start(PgWireServer.Auth auth, String user) {
        return new Authentication(auth, user);
    }

    /** AuthenticationSASL: the mechanisms offered. */
    List<ByteBuf> first() {
        ByteBuf b = Unpooled.buffer();
        b.writeByte('R').writeInt(0).writeInt(10);
        PgMessages.cstring(b, MECHANISM);
        b.writeByte(0);
        b.setInt(1, b.writerIndex() - 1);
        return List.of(b);
    }

    /** Handles a SASLInitialResponse or SASLResponse ('p' message). */
    Step next(ByteBuf body) {
        if (clientFirstBare == null) {
            String mechanism = PgMessages.readCString(body);
            if (!MECHANISM.equals(mechanism)) {
                return new Step(List.of(), true, "SASL authentication mechanism " + mechanism + " is not supported (use " + MECHANISM + ")");
            }
            int len = body.readInt();
            String clientFirst = body.readCharSequence(len, StandardCharsets.UTF_8).toString();
            // gs2 header "n,," or "y,,": no channel binding; then n=user,r=client nonce
            int bare = clientFirst.indexOf(',', clientFirst.indexOf(',') + 1) + 1;
            if (bare <= 0 || clientFirst.startsWith("p=")) {
                return new Step(List.of(), true, "malformed SCRAM client-first-message (channel binding is not offered)");
            }
            gs2Header = clientFirst.substring(0, bare);
            clientFirstBare = clientFirst.substring(bare);
            String clientNonce = attribute(clientFirstBare, 'r');
            if (clientNonce == null) {
                return new Step(List.of(), true, "malformed SCRAM client-first-message: no nonce");
            }
            byte[] serverNonce = new byte[18];
            RANDOM.nextBytes(serverNonce);
            nonce = clientNonce + Base64.getEncoder().encodeToString(serverNonce);
            serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + ITERATIONS;
            return new Step(List.of(sasl(11, serverFirst)), false, null);
        }
        String clientFinal = body.readCharSequence(body.readableBytes(), StandardCharsets.UTF_8).toString();
        int proofAt = clientFinal.lastIndexOf(",p=");
        String withoutProof = proofAt < 0 ? clientFinal : clientFinal.substring(0, proofAt);
        String binding = attribute(clientFinal, 'c');
        String finalNonce = attribute(clientFinal, 'r');
        if (proofAt < 0 || binding == null || !nonce.equals(finalNonce)
                || !binding.equals(Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8)))) {
            return new Step(List.of(), true, "malformed SCRAM client-final-message");
        }
        byte[] proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] salted = saltedPassword(auth.password(), salt);
        byte[] clientKey = hmac(salted, "Client Key");
        byte[] storedKey = sha256(clientKey);
        byte[] clientSignature = hmac(storedKey, authMessage);
        byte[] recovered = new byte[clientSignature.length];
        for (int i = 0; i < recovered.length && i < proof.length; i++) {
            recovered[i] = (byte) (proof[i] ^ clientSignature[i]);
        }
        boolean userMatches = MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8), auth.user().getBytes(StandardCharsets.UTF_8));
        if (proof.length != clientSignature.length || !MessageDigest.isEqual(sha256(recovered), storedKey) || !userMatches) {
            return new Step(List.of(), true, "password authentication failed for user \"" + user + "\"");
        }
        byte[] serverSignature = hmac(hmac(salted, "Server Key"), authMessage);
        return new Step(List.of(sasl(12, "v=" + Base64.getEncoder().encodeToString(serverSignature))), true, null);
    }

    private static ByteBuf sasl(int code, String data) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte('R').writeInt(0).writeInt(code);
        b.writeBytes(data.getBytes(StandardCharsets.UTF_8));
        b.setInt(1, b.writerIndex() - 1);
        return b;
    }

    private static String attribute(String message, char name) {
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        return null;
    }

    private static byte[] saltedPassword(String password, byte[] salt) {
        try {
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            return f.generateSecret(new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SCRAM-SHA-256 needs PBKDF2WithHmacSHA256: " + e.getMessage(), e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SCRAM-SHA-256 needs HmacSHA256: " + e.getMessage(), e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
