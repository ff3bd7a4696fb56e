package main

import "github.com/vmware/govmomi/vim25/types"

// The simulator presents itself as vSphere 6.5. pyvmomi negotiates the API version from that
// (vimServiceVersions.xml) and then drops every value of a type newer than 6.5 it receives, such as
// a vSAN datastore's VsanDatastoreInfo (7.0.1). The lab presents vSphere 7.0 Update 3 instead, for
// the service and for every host.
const (
	apiVersion     = "7.0.3.0"
	productVersion = "7.0.3"
	vcenterBuild   = "21477706"
	esxiBuild      = "21424296"
)

func vcenterAbout(about types.AboutInfo) types.AboutInfo {
	about.FullName = "VMware vCenter Server " + productVersion + " build-" + vcenterBuild
	about.Version, about.Build, about.ApiVersion = productVersion, vcenterBuild, apiVersion
	about.LicenseProductVersion = "7.0"
	return about
}

func esxiAbout(about types.AboutInfo) types.AboutInfo {
	about.FullName = "VMware ESXi " + productVersion + " build-" + esxiBuild
	about.Version, about.Build, about.ApiVersion = productVersion, esxiBuild, apiVersion
	about.LicenseProductVersion = "7.0"
	return about
}
