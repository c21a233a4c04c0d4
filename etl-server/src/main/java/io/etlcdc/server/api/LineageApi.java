package io.etlcdc.server.api;

import io.etlcdc.lineage.LineageService;
import io.etlcdc.lineage.query.Direction;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * Lineage queries: {@code GET /api/v1/lineage/asset/{asset_id}/downstream?max_depth=3}, {@code /upstream},
 * {@code /api/v1/lineage/impact/{asset_id}[?column=]}, {@code /api/v1/lineage/column/{asset_id}/{column}?direction=},
 * {@code /api/v1/lineage/flow[?format=dot]}.
 */
public final class LineageApi {
    /** Deepest traversal a request may ask for. */
    static final int MAX_DEPTH = 100;

    private final LineageService lineage;
    private final Runnable refreshIfStale;

    /**
     * @param refreshIfStale reloads the graph from the shared store when another replica may have written it
     */
    public LineageApi(LineageService lineage, Runnable refreshIfStale) {
        this.lineage = lineage;
        this.refreshIfStale = refreshIfStale;
    }

    public void register(RoutesConfig r) {
        r.get("/api/v1/lineage/asset/{asset_id}/downstream", ctx -> {
            refreshIfStale.run();
            ctx.json(lineage.downstream(ctx.pathParam("asset_id"), depth(ctx)));
        });
        r.get("/api/v1/lineage/asset/{asset_id}/upstream", ctx -> {
            refreshIfStale.run();
            ctx.json(lineage.upstream(ctx.pathParam("asset_id"), depth(ctx)));
        });
        r.get("/api/v1/lineage/impact/{asset_id}", ctx -> {
            refreshIfStale.run();
            ctx.json(lineage.impact(ctx.pathParam("asset_id"), ctx.queryParam("column")));
        });
        r.get("/api/v1/lineage/column/{asset_id}/{column}", ctx -> {
            refreshIfStale.run();
            String dir = ctx.queryParam("direction");
            Direction direction;
            try {
                direction = dir == null ? Direction.DOWNSTREAM : Direction.valueOf(dir.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid parameter", "'direction' must be downstream or upstream, got '" + dir + "'");
            }
            ctx.json(lineage.columnLineage(ctx.pathParam("asset_id"), ctx.pathParam("column"), direction));
        });
        r.get("/api/v1/lineage/flow", ctx -> {
            refreshIfStale.run();
            String format = ctx.queryParam("format");
            if (format == null || format.equalsIgnoreCase("json")) {
                ctx.json(lineage.flow());
            } else if (format.equalsIgnoreCase("dot")) {
                ctx.contentType("text/vnd.graphviz; charset=utf-8").result(lineage.flowDot());
            } else {
                throw ApiException.badRequest("invalid parameter", "'format' must be json or dot, got '" + format + "'");
            }
        });
    }

    private static int depth(Context ctx) {
        return PipelineApi.intParam(ctx, "max_depth", 3, 1, MAX_DEPTH);
    }
}
