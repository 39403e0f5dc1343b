// GuideModel module.
