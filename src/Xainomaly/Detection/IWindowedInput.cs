namespace Xainomaly.Detection;

/// <summary>
/// A network or detector whose input rows are windows of <see cref="WindowLength"/> consecutive records of one UE,
/// each <see cref="FeatureWidth"/> features wide (row width = WindowLength · FeatureWidth; see
/// <see cref="Data.SequenceWindows"/>). Whoever turns a table into rows for it must build the windows first;
/// a window length of 1 means plain per-record rows.
/// </summary>
public interface IWindowedInput
{
    /// <summary>Records per window (w); 1 for per-record rows.</summary>
    int WindowLength { get; }

    /// <summary>Features per record (d).</summary>
    int FeatureWidth { get; }
}
