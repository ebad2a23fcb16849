using BenchmarkDotNet.Attributes;

using Xainomaly.Data;

namespace Xainomaly.Bench;

/// <summary>Loading the shipped UE data: valid.csv (9,830 × 33) and ue.json.gz (59,610 UE records).</summary>
[ShortRunJob]
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ReadBenchmarks
{
    private string _validCsv = "";
    private string _ueCsv = "";
    private string _ueJsonGz = "";

    [GlobalSetup]
    public void Setup()
    {
        var data = Path.Combine(FindRepoRoot(), "..", "shared", "data");
        _validCsv = Path.GetFullPath(Path.Combine(data, "valid.csv"));
        _ueCsv = Path.GetFullPath(Path.Combine(data, "ue.csv"));
        _ueJsonGz = Path.GetFullPath(Path.Combine(data, "ue.json.gz"));
    }

    [Benchmark]
    public int ReadValidCsv() => KpiTableReader.Read(_validCsv).RowCount;

    [Benchmark]
    public int ReadUeCsv() => KpiTableReader.Read(_ueCsv).RowCount;

    [Benchmark]
    public int ReadUeJsonGz() => KpiTableReader.Read(_ueJsonGz).RowCount;

    // BenchmarkDotNet runs from a generated project below bin/, so walk up from both the binary and the working directory.
    private static string FindRepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Xainomaly.slnx"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException("Repository root (Xainomaly.slnx) not found above " + AppContext.BaseDirectory);
    }
}
