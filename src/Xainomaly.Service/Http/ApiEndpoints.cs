using System.Buffers;
using System.Globalization;
using System.Text.Json;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

using Xainomaly.Detection;
using Xainomaly.Service.Messaging;
using Xainomaly.Service.Metrics;
using Xainomaly.Service.Pipeline;
using Xainomaly.Service.Storage;

namespace Xainomaly.Service.Http;

/// <summary>The HTTP API: ingest, queries, metrics, health and the dashboard.</summary>
internal static class ApiEndpoints
{
    private const string Json = "application/json";

    public static void Map(IEndpointRouteBuilder app, ServiceOptions options)
    {
        app.MapPost("/v1/reports", (HttpContext ctx, ReportPipeline pipeline, ServiceMetrics metrics) => PostReportsAsync(ctx, pipeline, metrics, options));
        app.MapGet("/v1/anomalies", GetAnomaliesAsync);
        app.MapGet("/v1/explanations/{id}", async (string id, HttpContext ctx, IResultStore store) =>
        {
            var r = await store.GetAsync(id, ctx.RequestAborted);
            if (r is null) return Error(StatusCodes.Status404NotFound, $"no record with id '{id}'");
            return JsonResult(w => RecordJson.Write(w, r));
        });
        app.MapGet("/v1/feed", (HttpContext ctx, AnomalyFeed feed) =>
        {
            long after = long.TryParse(ctx.Request.Query["after"], NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : 0;
            var items = feed.Since(after, 200);
            return JsonResult(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("next", feed.Next);
                w.WriteStartArray("anomalies");
                foreach (var (seq, r) in items)
                {
                    w.WriteStartObject();
                    w.WriteNumber("seq", seq);
                    w.WritePropertyName("record");
                    RecordJson.Write(w, r, withKpis: false);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
        });
        app.MapGet("/v1/ues", (DegradationTracker tracker) => JsonResult(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("ues");
            foreach (var ue in tracker.Ues())
            {
                w.WriteStartObject();
                w.WriteString("ue", ue);
                w.WriteStartArray("history");
                foreach (var p in tracker.History(ue))
                {
                    w.WriteStartObject();
                    w.WriteString("t", p.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                    w.WriteNumber("throughput", p.Throughput);
                    w.WriteNumber("rsrp", p.Rsrp);
                    w.WriteNumber("rsrq", p.Rsrq);
                    w.WriteNumber("rssinr", p.Rssinr);
                    w.WriteNumber("prb_usage", p.PrbUsage);
                    w.WriteNumber("score", p.Score);
                    w.WriteBoolean("anomalous", p.Anomalous);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }));
        app.MapGet("/v1/info", (HttpContext ctx, DetectorModel model, ReportPipeline pipeline) => JsonResult(w =>
        {
            w.WriteStartObject();
            w.WriteString("model", model.Info.Kind);
            w.WriteString("score", model.Detector.ScoreDescription);
            w.WriteNumber("threshold", model.Detector.Threshold);
            if (pipeline.ExplainerMethod is null) w.WriteNull("explainer");
            else w.WriteString("explainer", pipeline.ExplainerMethod);
            w.WriteNumber("warmUpSeconds", Math.Round(ServiceHost.WarmUpSeconds(ctx.RequestServices), 3));
            if (ctx.RequestServices.GetService<JetStreamIngestService>()?.WarmUp is { } ingest)
            {
                w.WriteStartObject("ingestWarmUp");
                w.WriteNumber("seconds", Math.Round(ingest.Time.TotalSeconds, 3));
                w.WriteNumber("messages", ingest.Messages);
                w.WriteNumber("records", ingest.Records);
                w.WriteStartArray("batches");
                foreach (int b in ingest.Batches) w.WriteNumberValue(b);
                w.WriteEndArray();
                if (ingest.Error is null) w.WriteNull("error");
                else w.WriteString("error", ingest.Error);
                w.WriteEndObject();
            }
            w.WriteStartArray("features");
            foreach (var f in model.InputFeatureNames) w.WriteStringValue(f);
            w.WriteEndArray();
            w.WriteEndObject();
        }));
        app.MapGet("/metrics", (HttpContext ctx, ServiceMetrics metrics) =>
        {
            // ?name[]=family&name[]=… (or ?name=…) selects metric families, as Prometheus client libraries do.
            var query = ctx.Request.Query;
            var names = new List<string>();
            foreach (var key in (ReadOnlySpan<string>)["name[]", "name"])
                foreach (var v in query[key]) if (!string.IsNullOrEmpty(v)) names.Add(v);
            bool filtered = query.ContainsKey("name[]") || query.ContainsKey("name");
            return Results.Text(filtered ? metrics.Render(names) : metrics.Render(), "text/plain; version=0.0.4; charset=utf-8");
        });
        app.MapGet("/health/live", () => JsonResult(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "live");
            w.WriteEndObject();
        }));
        app.MapGet("/health/ready", (ReportPipeline pipeline) =>
        {
            bool ready = pipeline.Running;
            return JsonResult(w =>
            {
                w.WriteStartObject();
                w.WriteString("status", ready ? "ready" : "not ready");
                w.WriteBoolean("modelLoaded", true);
                w.WriteBoolean("storeOpen", ready);
                w.WriteEndObject();
            }, ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        app.MapGet("/", () => Results.Bytes(DashboardPage.Html, "text/html; charset=utf-8"));
    }

    private static async Task<IResult> PostReportsAsync(HttpContext ctx, ReportPipeline pipeline, ServiceMetrics metrics, ServiceOptions options)
    {
        var req = ctx.Request;
        if (!IsJson(req.ContentType))
        {
            metrics.Rejected("unsupported_media_type");
            return Error(StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{req.ContentType}' is not supported (send application/json)");
        }
        if (req.ContentLength > options.MaxBodyBytes)
        {
            metrics.Rejected("body_too_large");
            return Error(StatusCodes.Status413PayloadTooLarge, $"the body has {req.ContentLength} bytes; at most {options.MaxBodyBytes} are accepted (split the batch)");
        }
        byte[] body;
        bool tooLarge = false;
        try
        {
            body = await ReadCappedAsync(req.Body, options.MaxBodyBytes, ctx.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own limit (set just above ours) tripped first on a chunked body.
            body = [];
            tooLarge = true;
        }
        if (tooLarge || body.Length > options.MaxBodyBytes)
        {
            if (!tooLarge) await DrainAsync(req.Body, options.MaxBodyBytes * (DrainFactor - 1), ctx.RequestAborted);
            metrics.Rejected("body_too_large");
            return Error(StatusCodes.Status413PayloadTooLarge, $"the body exceeds {options.MaxBodyBytes} bytes (split the batch)");
        }
        var items = BodySplitter.Split(body, out var error);
        if (items is null)
        {
            metrics.Rejected("not_json");
            return Error(StatusCodes.Status400BadRequest, error!);
        }
        var incoming = new IncomingReport[items.Count];
        for (int i = 0; i < incoming.Length; i++) incoming[i] = new IncomingReport(items[i], "http");
        var outcomes = await pipeline.ProcessAsync(incoming, ctx.RequestAborted);
        int accepted = 0, rejected = 0;
        foreach (var o in outcomes)
        {
            if (o.Accepted) accepted++;
            else rejected++;
        }
        return JsonResult(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("accepted", accepted);
            w.WriteNumber("rejected", rejected);
            w.WriteStartArray("results");
            foreach (var o in outcomes)
            {
                w.WriteStartObject();
                w.WriteNumber("index", o.Index);
                w.WriteBoolean("accepted", o.Accepted);
                if (o.Record is { } r)
                {
                    w.WriteString("id", r.Id);
                    w.WriteString("ue-id", r.UeId);
                    w.WriteNumber("score", r.Score);
                    w.WriteBoolean("anomalous", r.Anomalous);
                    if (r.Degradation is not null) w.WriteString("degradation", r.Degradation);
                    if (r.ConfidenceScore is { } cs) w.WriteNumber("cs", cs);
                }
                else
                {
                    w.WriteString("reason", o.Reason);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> GetAnomaliesAsync(HttpContext ctx, IResultStore store)
    {
        var q = ctx.Request.Query;
        string? ue = q["ue"].Count > 0 && !string.IsNullOrEmpty(q["ue"]) ? q["ue"].ToString() : null;
        DateTimeOffset? since = null;
        if (q["since"].Count > 0 && !string.IsNullOrEmpty(q["since"]))
        {
            if (!RecordParser.TryParseTime(q["since"]!, out var s))
                return Error(StatusCodes.Status400BadRequest, $"since: '{q["since"]}' is not a time (expected ISO 8601, e.g. 2021-06-25T11:42:33Z)");
            since = s;
        }
        int limit = 100;
        if (q["limit"].Count > 0 && !string.IsNullOrEmpty(q["limit"]))
        {
            if (!int.TryParse(q["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 10_000)
                return Error(StatusCodes.Status400BadRequest, $"limit: '{q["limit"]}' is not a whole number in 1..10000");
        }
        var records = await store.QueryAnomaliesAsync(ue, since, limit, ctx.RequestAborted);
        return JsonResult(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("count", records.Count);
            w.WriteStartArray("anomalies");
            foreach (var r in records) RecordJson.Write(w, r);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static bool IsJson(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var mt)) return false;
        var m = mt.MediaType;
        return m.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || m.Equals("application/x-ndjson", StringComparison.OrdinalIgnoreCase)
            || (m.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && m.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    // Reads at most max + 1 bytes, so an oversized chunked body is recognised without buffering all of it.
    private static async Task<byte[]> ReadCappedAsync(Stream body, long max, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            var mem = buffer.GetMemory(16 * 1024);
            int n = await body.ReadAsync(mem, ct);
            if (n == 0) break;
            buffer.Advance(n);
            if (buffer.WrittenCount > max) break;
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>How many times the body limit an oversized chunked body may run to before the connection is cut instead of drained.</summary>
    internal const long DrainFactor = 16;

    /// <summary>Reads and discards the rest of an oversized body (bounded), so the client gets its 413 on an intact connection.</summary>
    private static async Task DrainAsync(Stream body, long bound, CancellationToken ct)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long read = 0;
            int n;
            while (read < bound && (n = await body.ReadAsync(scratch.AsMemory(0, scratch.Length), ct)) > 0) read += n;
        }
        catch (BadHttpRequestException)
        {
            // Past Kestrel's cap: the connection is closed after the response; nothing more to do.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static IResult Error(int status, string message) => JsonResult(w =>
    {
        w.WriteStartObject();
        w.WriteString("error", message);
        w.WriteNumber("status", status);
        w.WriteEndObject();
    }, status);

    private static IResult JsonResult(Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return new BytesResult(buffer.WrittenMemory, Json, status);
    }

    private sealed class BytesResult(ReadOnlyMemory<byte> body, string contentType, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = contentType;
            httpContext.Response.ContentLength = body.Length;
            await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}
