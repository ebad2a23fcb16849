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
        var data = BenchPaths.Data();
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
}
