# A small web shop: servers behind an Auto Scaling group, an orders database, a bucket of
# product images and a container registry for the API image.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

resource "aws_launch_template" "web" {
  name_prefix   = "shop-web-"
  image_id      = "ami-0c1bc246476a5572b"
  instance_type = "t3.small"
  user_data     = filebase64("${path.module}/boot.sh")
}

resource "aws_autoscaling_group" "web" {
  name_prefix         = "shop-web-"
  min_size            = 2
  max_size            = 4
  vpc_zone_identifier = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]

  launch_template {
    id      = aws_launch_template.web.id
    version = "$Latest"
  }
}

resource "aws_instance" "admin" {
  ami           = "ami-0c1bc246476a5572b"
  instance_type = "t3.micro"
  user_data     = "#!/bin/sh\nyum install -y shop-admin-2.4.1\n"
}

resource "aws_db_instance" "orders" {
  identifier          = "shop-orders"
  engine              = "postgres"
  engine_version      = "16.3"
  instance_class      = "db.t3.medium"
  allocated_storage   = 50
  username            = "shop"
  skip_final_snapshot = true
  storage_encrypted   = true
}

resource "aws_s3_bucket" "images" {
  bucket = "shop-product-images"
}

resource "aws_ecr_repository" "api" {
  name = "shop/api"
}
