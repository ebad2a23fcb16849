using System.Diagnostics;

namespace Xainomaly.Explanation.Metrics;

/// <summary>
/// What explaining cost (paper Tables VIII–IX): wall and CPU time (all threads of the process, so parallel scoring
/// counts fully), bytes allocated on the managed heap, and the growth of the process's peak working set.
/// </summary>
/// <param name="Rows">Rows explained.</param>
/// <param name="Wall">Wall time of the whole run.</param>
/// <param name="Cpu">CPU time of the process during the run.</param>
/// <param name="AllocatedBytes">Managed bytes allocated during the run (all threads).</param>
/// <param name="PeakWorkingSetGrowth">Rise of the process's peak working set during the run (0 when it stayed below the earlier peak).</param>
public sealed record ExplainerCost(int Rows, TimeSpan Wall, TimeSpan Cpu, long AllocatedBytes, long PeakWorkingSetGrowth)
{
    /// <summary>Wall milliseconds per row.</summary>
    public double WallMsPerRow => Rows > 0 ? Wall.TotalMilliseconds / Rows : double.NaN;

    /// <summary>CPU milliseconds per row.</summary>
    public double CpuMsPerRow => Rows > 0 ? Cpu.TotalMilliseconds / Rows : double.NaN;

    /// <summary>Managed bytes allocated per row.</summary>
    public double AllocatedBytesPerRow => Rows > 0 ? (double)AllocatedBytes / Rows : double.NaN;

    /// <summary>Runs <paramref name="run"/> (which explains <paramref name="rows"/> rows) and measures its cost.</summary>
    public static (T Result, ExplainerCost Cost) Measure<T>(int rows, Func<T> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        long peakBefore = process.PeakWorkingSet64;
        TimeSpan cpuBefore = process.TotalProcessorTime;
        long allocBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        T result = run();
        clock.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocBefore;
        process.Refresh();
        var cost = new ExplainerCost(rows, clock.Elapsed, process.TotalProcessorTime - cpuBefore, allocated, Math.Max(0, process.PeakWorkingSet64 - peakBefore));
        return (result, cost);
    }
}
