namespace Xainomaly.Service.Pipeline;

/// <summary>
/// One incoming record as it arrived: a UE report object in the UE report JSON format, or a flat row with the CSV
/// column names. Parsing happens in the pipeline so that every source gets the same checks and rejections.
/// </summary>
/// <param name="Json">The record's UTF-8 JSON.</param>
/// <param name="Source">Where it came from (<c>http</c>, <c>nats</c>), for metrics and logs.</param>
public sealed record IncomingReport(ReadOnlyMemory<byte> Json, string Source)
{
    /// <summary>
    /// A start-up warm-up record (see <see cref="IReportPipeline.SupportsDryRun"/>): parsed, scored and explained as
    /// usual, but not stored, remembered, counted or published. One call holds only dry-run or only real reports.
    /// </summary>
    public bool DryRun { get; init; }
}
