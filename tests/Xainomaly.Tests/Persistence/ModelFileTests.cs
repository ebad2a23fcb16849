using Xainomaly.Persistence;

namespace Xainomaly.Tests.Persistence;

public sealed class ModelFileTests
{
    private static Dictionary<string, byte[]> Sample() => new()
    {
        ["header.json"] = "{\"kind\":\"test\"}"u8.ToArray(),
        ["weights"] = [1, 2, 3, 4, 5, 6, 7, 8],
    };

    [Fact]
    public void RoundTripsAndIsDeterministic()
    {
        var path = Path.Combine(TestPaths.TempDir(), "m.xai");
        ModelFile.Save(path, Sample());
        var back = ModelFile.Load(path);
        Assert.Equal(Sample()["weights"], back["weights"]);
        Assert.Equal(Sample()["header.json"], back["header.json"]);
        Assert.Equal(ModelFile.ToBytes(Sample()), File.ReadAllBytes(path));
    }

    [Fact]
    public void RefusesForeignFile()
    {
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.FromBytes("du-id,x\n1,2\n"u8.ToArray(), "data.csv"));
        Assert.Contains("not a Xainomaly model file", e.Message);
        Assert.Contains("data.csv", e.Message);
    }

    [Fact]
    public void RefusesTruncatedFile()
    {
        var bytes = ModelFile.ToBytes(Sample());
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.FromBytes(bytes[..^5], "m.xai"));
        Assert.Contains("m.xai", e.Message);
    }

    [Fact]
    public void RefusesCorruptedFile()
    {
        var bytes = ModelFile.ToBytes(Sample());
        bytes[bytes.Length / 2] ^= 0x40;
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.FromBytes(bytes, "m.xai"));
        Assert.Contains("corrupted", e.Message);
    }

    [Fact]
    public void RefusesOtherFormatVersion()
    {
        var bytes = ModelFile.ToBytes(Sample());
        bytes[8] = 99;
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.FromBytes(bytes, "m.xai"));
        Assert.Contains("version 99", e.Message);
    }
}
