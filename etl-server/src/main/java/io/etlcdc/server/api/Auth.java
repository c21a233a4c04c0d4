package io.etlcdc.server.api;

import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer-token protection of mutating endpoints ({@code ETL_API_TOKEN}). Reads stay open so that
 * dashboards and health checks need no secret. The comparison takes the same time whatever the
 * input, so the token cannot be guessed byte by byte: both sides are hashed (SHA-256) first, so the
 * compared arrays always have 32 bytes, and {@link MessageDigest#isEqual} does not stop at the first
 * differing byte.
 */
public final class Auth {
    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");
    /** Who did it, for the audit trail. */
    public static final String ACTOR_ATTRIBUTE = "etl.actor";

    private final Optional<byte[]> token;

    public Auth(Optional<String> token) {
        this.token = token.map(Auth::sha256);
    }

    public boolean enabled() {
        return token.isPresent();
    }

    /** Rejects a mutating request without the right token (401). */
    public void check(Context ctx) {
        ctx.attribute(ACTOR_ATTRIBUTE, token.isPresent() ? "api-token" : "anonymous");
        if (token.isEmpty() || !MUTATING.contains(ctx.method().name())) {
            return;
        }
        String header = ctx.header("Authorization");
        byte[] given = header != null && header.startsWith("Bearer ")
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        if (!MessageDigest.isEqual(sha256(given), token.get())) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "unauthorized", "this endpoint changes the pipeline and needs 'Authorization: Bearer <ETL_API_TOKEN>'");
        }
    }

    private static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    public static String actor(Context ctx) {
        Object a = ctx.attribute(ACTOR_ATTRIBUTE);
        return a == null ? "anonymous" : a.toString();
    }
}
