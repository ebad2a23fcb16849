using Xainomaly.Data;
using Xainomaly.Evaluation.Tuning;

namespace Xainomaly.Tests.Tuning;

public sealed class ParameterSpaceTests
{
    [Fact]
    public void PresetsHaveThePapersSizes()
    {
        Assert.Equal(3L * 10 * 3 * 5 * 3 * 5 * 3, ParameterSpace.Paper.Count);
        Assert.Equal(5, ParameterSpace.Depth.Count);
        var depth = ParameterSpace.Depth.Grid();
        Assert.Equal(["CAE1", "CAE2", "CAE3", "CAE4", "CAE5"], depth.Select(c => c.Label!).ToArray());
        Assert.Equal(3, depth[2].Get("layers"));
    }

    [Fact]
    public void JsonAndYamlGiveTheSameGrid()
    {
        var json = ParameterSpace.Parse("{\"layers\":[1,2],\"learningRate\":[1e-3,1e-2],\"loss\":[\"mse\",\"smape\"]}", "g.json");
        var yaml = ParameterSpace.Parse("# a grid\nlayers: [1, 2]\nlearningRate: [1e-3, 1e-2]\nloss: [mse, smape]\n", "g.yaml");
        Assert.Equal(8, json.Count);
        Assert.Equal(json.Grid().Select(c => c.Key), yaml.Grid().Select(c => c.Key));
        Assert.Equal("layers=1 learningRate=0.001 loss=mse", json.At(0).Key);
        Assert.Equal("layers=2 learningRate=0.01 loss=smape", json.At(7).Key);
    }

    [Theory]
    [InlineData("{\"depth\":[1,2]}", "unknown parameter 'depth'")]
    [InlineData("{\"layers\":[]}", "'layers' has an empty list")]
    [InlineData("{\"layers\":[1,\"two\"]}", "'layers' item 2 is \"two\"; expected an integer")]
    [InlineData("{\"layers\":[1.5]}", "'layers' item 1 is 1.5; expected an integer")]
    [InlineData("{\"learningRate\":[\"fast\"]}", "'learningRate' item 1 is \"fast\"; expected a number")]
    [InlineData("{\"optimizer\":[\"adamw\"]}", "'optimizer' item 1 is \"adamw\"; expected one of adam, sgd, rmsprop")]
    [InlineData("{\"batchSize\":[0]}", "'batchSize' item 1 is 0; expected an integer in [2, 65536]")]
    [InlineData("{\"layers\":{\"a\":1}}", "'layers' item 1 is an object")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("{}", "names no parameter")]
    [InlineData("layers: [1, 2\n", "does not end with ']'")]
    [InlineData("layers [1]\n", "expected 'parameter: [values]'")]
    public void BadGridsAreRejectedNamingTheKey(string text, string expected)
    {
        var e = Assert.Throws<DataFormatException>(() => ParameterSpace.Parse(text, "grid.json"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("grid.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomSamplesAreDistinctSeededAndInsideTheGrid()
    {
        var a = ParameterSpace.Paper.Sample(50, 3).Select(c => c.Key).ToList();
        var b = ParameterSpace.Paper.Sample(50, 3).Select(c => c.Key).ToList();
        var c = ParameterSpace.Paper.Sample(50, 4).Select(c => c.Key).ToList();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(50, a.Distinct().Count());
        var all = ParameterSpace.Depth.Sample(99, 1);
        Assert.Equal(5, all.Count);
    }

    [Fact]
    public void ConfigurationsMapToTrainerSettingsAndTheStepCap()
    {
        var config = ParameterSpace.Parse("{\"layers\":[3],\"widthFactor\":[2.5],\"steps\":[40000],\"optimizer\":[\"rmsprop\"],\"loss\":[\"mae\"],\"batchSize\":[128],\"learningRate\":[0.01]}", "g").At(0);
        var s = config.ToSettings(new Xainomaly.Detection.TrainerSettings { LabelWeight = 2f }, maxSteps: 500);
        Assert.Equal(3, s.HiddenLayers);
        Assert.Equal(2.5, s.WidthFactor);
        Assert.Equal(500, s.Steps);
        Assert.Equal("rmsprop", s.Optimizer);
        Assert.Equal("mae", s.ReconstructionLoss);
        Assert.Equal(128, s.BatchSize);
        Assert.Equal(0.01f, s.LearningRate);
        Assert.Equal(2f, s.LabelWeight);
        Assert.Equal(300, new TuningConfiguration([]).ToSettings(new Xainomaly.Detection.TrainerSettings(), 300).Steps);
    }
}
