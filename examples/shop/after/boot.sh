#!/bin/sh
# Starts the shop web server baked into the image.
systemctl start shop-web
