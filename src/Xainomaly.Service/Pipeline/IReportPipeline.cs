namespace Xainomaly.Service.Pipeline;

/// <summary>
/// The one pipeline every ingest path feeds: parse and check, score, explain, find the degradation cause, store
/// (idempotently), publish anomalies. When the returned task completes, every accepted record is stored.
/// </summary>
public interface IReportPipeline
{
    /// <summary>Processes a batch; one outcome per incoming record, in order. Never throws for bad records.</summary>
    Task<IReadOnlyList<RecordOutcome>> ProcessAsync(IReadOnlyList<IncomingReport> reports, CancellationToken cancellationToken);

    /// <summary>
    /// True when the pipeline honours <see cref="IncomingReport.DryRun"/>: such records run through the same code but
    /// leave no trace (no stored row, UE history, feed entry, sink write, published anomaly or metric). Ingest paths
    /// warm themselves up through the pipeline only when this holds; a pipeline that would store them says false.
    /// </summary>
    bool SupportsDryRun => false;
}
