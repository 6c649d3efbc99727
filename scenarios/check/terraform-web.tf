# A small configuration that `ecsim check scenarios/check/terraform-web.tf` reads with the
# default world (docs/terraform.md): two web servers from a count, and a database whose
# 10 GiB ESSD PL1 data disk is below the category's 20 GiB minimum.

provider "alicloud" {
  region = var.region
}

variable "region" {
  default = "cn-hangzhou"
}

variable "web_count" {
  default = 2
}

variable "web_password" {
  type      = string
  sensitive = true
  default   = "Tf#Marker7x"
}

locals {
  zone    = "cn-hangzhou-i"
  image   = "aliyun_3_x64_20G_alibase_20240528.vhd"
  network = {
    vswitch_id     = "vsw-bp1s5fnvk4gn2tws03624"
    security_group = "sg-bp15ed6xe1yxeycg7o3k"
  }
}

resource "alicloud_instance" "web" {
  count                = var.web_count
  availability_zone    = local.zone
  instance_type        = "ecs.g7.large"
  image_id             = local.image
  vswitch_id           = local.network.vswitch_id
  security_groups      = [local.network.security_group]
  system_disk_category = "cloud_essd"
  system_disk_size     = 40
  instance_name        = "web-${count.index}"
  password             = var.web_password

  data_disks {
    category = "cloud_essd"
    size     = 100
  }

  tags = {
    team = "web"
  }
}

resource "alicloud_instance" "db" {
  availability_zone    = local.zone
  instance_type        = "ecs.g7.large"
  image_id             = local.image
  vswitch_id           = local.network.vswitch_id
  security_groups      = [local.network.security_group]
  system_disk_category = "cloud_essd"

  data_disks {
    category          = "cloud_essd"
    performance_level = "PL1"
    size              = 10
  }
}
