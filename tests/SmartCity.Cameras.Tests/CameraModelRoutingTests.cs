namespace SmartCity.Cameras.Tests;

/// <summary>The name of a camera's calibrated model and the settings of confidence.</summary>
public class CameraModelRoutingTests
{
    [Fact]
    public void A_cameras_calibrated_model_is_named_after_the_base_model_and_the_camera()
    {
        Assert.Equal("traffic-scene.cam-2702", CameraModelRouting.CameraModelName("traffic-scene", "2702"));
        Assert.Null(CameraModelRouting.CameraModelName(new string('m', 100), new string('c', 24)));
        Assert.NotNull(CameraModelRouting.CameraModelName(new string('m', 100), new string('c', 23)));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    public void An_unsure_margin_outside_0_to_1_fails_validation_naming_the_key(double margin)
    {
        var options = new CameraPipelineOptions { ImagesContainer = "camera-images", UnsureMargin = margin };

        var result = new CameraPipelineOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Camera:UnsureMargin", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Calibrated_models_must_be_model_names()
    {
        var validator = new CameraPipelineOptionsValidator();

        var bad = validator.Validate(null, new CameraPipelineOptions { ImagesContainer = "camera-images", CalibratedModels = "traffic scene;x" });
        var good = validator.Validate(null, new CameraPipelineOptions { ImagesContainer = "camera-images", CalibratedModels = " traffic-scene , vehicle-type " });

        Assert.True(bad.Failed);
        Assert.Contains("Camera:CalibratedModels", bad.FailureMessage, StringComparison.Ordinal);
        Assert.True(good.Succeeded);
        Assert.Equal(["traffic-scene", "vehicle-type"], new CameraPipelineOptions { CalibratedModels = " traffic-scene , vehicle-type " }.CalibratedModelNames);
        Assert.Equal(0.2, new CameraPipelineOptions().UnsureMargin);
    }
}
